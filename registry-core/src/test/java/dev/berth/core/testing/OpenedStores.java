package dev.berth.core.testing;

import dev.berth.core.catalog.CatalogStore;
import dev.berth.core.gc.GarbageStore;
import dev.berth.core.gc.GcRunStore;
import dev.berth.core.metadata.MetadataStores;
import dev.berth.core.session.ConsoleSessionStore;
import dev.berth.core.tenant.TenantStore;
import dev.berth.core.usage.UsageStore;
import dev.berth.core.user.UserStore;

/**
 * An implementation of the store ports opened empty for a contract test, every port over the same data (the
 * contracts check what one port's writes do to another's reads: usage on the registry, counters in the
 * catalog, permissions that go with their registry, candidates for collection), and what to close afterwards.
 * An implementation without a collector or sessions passes null for those ports and does not run their contracts.
 */
public record OpenedStores(MetadataStores metadata, TenantStore tenants, UserStore users, CatalogStore catalog,
                           UsageStore usage, GarbageStore garbage, GcRunStore gcRuns, ConsoleSessionStore sessions,
                           AutoCloseable closer) {
}
