package dev.berth.core.tenant;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import dev.berth.core.cluster.CacheChange;
import dev.berth.core.cluster.CacheCoherence;
import dev.berth.core.error.RegistryException;
import dev.berth.core.listing.Listing;
import dev.berth.core.listing.PageRequest;
import dev.berth.core.memory.MemoryOnly;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Tenant registries: their life cycle through the management API, and the cached view of their access
 * level and limit that every {@code /v2} request consults. The cache is invalidated by every change made
 * here, so a change is seen by the very next request, and the change is announced to the other nodes of a cluster
 * ({@link CacheCoherence}), which drop the registry from their caches (and, when it was deleted, forget it as this
 * node does) before the announcement returns.
 */
public final class TenantService {
    /** The registry that exists from the first start, so that {@code docker push HOST/library/x} works at once. */
    public static final String DEFAULT_REGISTRY = "library";

    private final TenantStore store;
    private final Clock clock;
    private final CacheCoherence coherence;
    private final LoadingCache<String, Optional<TenantRegistry>> cache;
    private final List<Consumer<String>> onDelete = new CopyOnWriteArrayList<>();

    /** The registries of a process that owns its store. */
    public TenantService(TenantStore store, Clock clock) {
        this(store, clock, CacheCoherence.SINGLE_PROCESS);
    }

    /** The registries of a node whose cache {@code coherence} keeps true to the other nodes' changes. */
    public TenantService(TenantStore store, Clock clock, CacheCoherence coherence) {
        this.store = store;
        this.clock = clock;
        this.coherence = coherence;
        coherence.subscribe(this::forget);
        this.cache = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(Duration.ofSeconds(5)).build(name -> {
            MemoryOnly.checkMayLoad();
            return store.find(name);
        });
    }

    /** Adds a listener that runs after a registry is deleted, with its name: for those who keep state about registries. */
    public void onDelete(Consumer<String> listener) {
        onDelete.add(listener);
    }

    /** Creates the default registry on first start. */
    public void ensureDefaultRegistry() {
        if (store.find(DEFAULT_REGISTRY).isEmpty()) {
            store.create(DEFAULT_REGISTRY, false, null, clock.instant());
            changed(DEFAULT_REGISTRY);
        }
    }

    public TenantRegistry create(String name, boolean isPublic, Long storageLimitBytes) {
        if (!RegistryName.isValid(name)) {
            throw RegistryException.invalid("INVALID_NAME",
                    "registry names are 2 to 63 characters of [a-z0-9] separated by '.', '_', '__' or '-'");
        }
        checkLimit(storageLimitBytes);
        if (!store.create(name, isPublic, storageLimitBytes, clock.instant())) {
            throw RegistryException.conflict("REGISTRY_EXISTS", "registry '" + name + "' already exists");
        }
        changed(name);
        return get(name);
    }

    public TenantRegistry get(String name) {
        return store.find(name).orElseThrow(() -> RegistryException.notFound("registry", name));
    }

    public Listing<TenantRegistry> list(PageRequest page, Boolean isPublic) {
        return store.list(page, isPublic);
    }

    /** Changes the access level and/or the limit; a null limit with {@code changeLimit} removes it. */
    public TenantRegistry update(String name, Boolean isPublic, boolean changeLimit, Long storageLimitBytes) {
        if (changeLimit) {
            checkLimit(storageLimitBytes);
        }
        if (!store.update(name, isPublic, changeLimit, storageLimitBytes, clock.instant())) {
            throw RegistryException.notFound("registry", name);
        }
        changed(name);
        return get(name);
    }

    /** Deletes the registry with everything in it. */
    public void delete(String name) {
        if (!store.delete(name)) {
            throw RegistryException.notFound("registry", name);
        }
        cache.invalidate(name);
        onDelete.forEach(listener -> listener.accept(name));
        coherence.announce(CacheChange.tenant(name));
    }

    private void changed(String name) {
        cache.invalidate(name);
        coherence.announce(CacheChange.tenant(name));
    }

    /** What another node's change (or a resync) makes stale here: a deleted registry is forgotten as on its node. */
    private void forget(CacheChange change) {
        switch (change.kind()) {
            case TENANT -> {
                cache.invalidate(change.key());
                if (store.find(change.key()).isEmpty()) {
                    onDelete.forEach(listener -> listener.accept(change.key()));
                }
            }
            case EVERYTHING -> cache.invalidateAll();
            default -> {
            }
        }
    }

    private static void checkLimit(Long storageLimitBytes) {
        if (storageLimitBytes != null && storageLimitBytes <= 0) {
            throw RegistryException.invalid("INVALID_LIMIT", "a storage limit must be positive");
        }
    }

    // ---- the hot path -----------------------------------------------------------------------------

    /** The registry, from the cache (its usage figures may be a few seconds old; its settings are current). */
    public Optional<TenantRegistry> cached(String name) {
        if (coherence.cachesCurrent()) {
            return cache.get(name);
        }
        MemoryOnly.checkMayLoad();
        return store.find(name);
    }

    /** The registry's current state from the store, usage included. */
    public Optional<TenantRegistry> current(String name) {
        return store.find(name);
    }

    public boolean isPublic(String name) {
        return cached(name).map(TenantRegistry::isPublic).orElse(false);
    }

    /** {@code NAME_UNKNOWN} unless the registry exists: pushes never create registries. */
    public void requireExists(String name) {
        if (cached(name).isEmpty()) {
            throw RegistryException.nameUnknown(name);
        }
    }
}
