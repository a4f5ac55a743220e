package dev.berth.core.memory;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Policy;

/**
 * What one of the server's caches holds, for {@code /metrics}: its entries, and for a cache bounded by weight, the
 * bytes its entries are estimated at ({@link HeapEstimate}) against its bound.
 *
 * @param name what the cache holds, as the metrics' {@code cache} tag names it
 */
public record CacheFootprint(String name, Cache<?, ?> cache) {
    public long entries() {
        return cache.estimatedSize();
    }

    /** The estimated bytes of the entries; 0 for a cache bounded by entries. */
    public long bytes() {
        return cache.policy().eviction().map(eviction -> eviction.weightedSize().orElse(0L)).orElse(0L);
    }

    /** The bytes it may hold; 0 for a cache bounded by entries. */
    public long limitBytes() {
        return cache.policy().eviction().filter(Policy.Eviction::isWeighted).map(Policy.Eviction::getMaximum).orElse(0L);
    }
}
