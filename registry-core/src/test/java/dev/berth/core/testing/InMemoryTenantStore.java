package dev.berth.core.testing;

import dev.berth.core.listing.Listing;
import dev.berth.core.listing.PageRequest;
import dev.berth.core.tenant.TenantRegistry;
import dev.berth.core.tenant.TenantStore;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Tenant registries in a map; usage is adjusted by {@link InMemoryMetadataStore}, as the real stores do in one
 * transaction. A partial stand-in for service tests, not held to {@link dev.berth.core.tenant.TenantStoreContract}:
 * it keeps no repository count, and deleting a registry leaves its repositories, permissions and history behind.
 */
public final class InMemoryTenantStore implements TenantStore {
    private final TreeMap<String, TenantRegistry> registries = new TreeMap<>();
    /** How many times {@link #find} was called: to see what a cache saves. */
    public final AtomicInteger finds = new AtomicInteger();

    @Override
    public synchronized Optional<TenantRegistry> find(String name) {
        finds.incrementAndGet();
        return Optional.ofNullable(registries.get(name));
    }

    /** True when the registry exists; not counted in {@link #finds}, as the real metadata stores' check is a join. */
    public synchronized boolean exists(String name) {
        return registries.containsKey(name);
    }

    @Override
    public synchronized boolean create(String name, boolean isPublic, Long storageLimitBytes, Instant now) {
        if (registries.containsKey(name)) {
            return false;
        }
        registries.put(name, new TenantRegistry(name, isPublic, storageLimitBytes, 0, 0, now, now));
        return true;
    }

    @Override
    public synchronized Listing<TenantRegistry> list(PageRequest page, Boolean isPublic) {
        List<TenantRegistry> matching = registries.values().stream()
                .filter(r -> isPublic == null || r.isPublic() == isPublic)
                .filter(r -> page.nameContains() == null || r.name().toLowerCase(Locale.ROOT).contains(page.nameContains()))
                .toList();
        return new Listing<>(matching.size(), matching.stream().skip(page.offset()).limit(page.size()).toList());
    }

    @Override
    public synchronized boolean update(String name, Boolean isPublic, boolean changeLimit, Long storageLimitBytes, Instant now) {
        TenantRegistry r = registries.get(name);
        if (r == null) {
            return false;
        }
        registries.put(name, new TenantRegistry(name, isPublic != null ? isPublic : r.isPublic(),
                changeLimit ? storageLimitBytes : r.storageLimitBytes(), r.storageUsedBytes(), r.repoCount(), r.createdAt(), now));
        return true;
    }

    @Override
    public synchronized boolean delete(String name) {
        return registries.remove(name) != null;
    }

    /** Adds (or with a negative delta gives back) usage, as the metadata store does when it links and unlinks. */
    public synchronized void addUsage(String name, long delta) {
        TenantRegistry r = registries.get(name);
        if (r != null) {
            registries.put(name, new TenantRegistry(r.name(), r.isPublic(), r.storageLimitBytes(), r.storageUsedBytes() + delta,
                    r.repoCount(), r.createdAt(), r.updatedAt()));
        }
    }

    public synchronized long usage(String name) {
        return registries.get(name).storageUsedBytes();
    }
}
