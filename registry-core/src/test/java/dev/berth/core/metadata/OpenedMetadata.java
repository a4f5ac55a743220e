package dev.berth.core.metadata;

import dev.berth.core.tenant.TenantStore;

/**
 * An implementation of the metadata ports opened empty for a contract test: its ports, the tenant store
 * whose registries they write into and whose usage they keep, and what to close afterwards.
 */
public record OpenedMetadata(MetadataStores stores, TenantStore tenants, AutoCloseable closer) {
}
