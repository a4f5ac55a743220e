package dev.berth.core.metadata.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.berth.core.cluster.CacheChange;
import dev.berth.core.cluster.CacheCoherence;
import dev.berth.core.gc.GarbageStore;
import dev.berth.core.memory.CacheFootprint;
import dev.berth.core.memory.MemoryOnly;
import dev.berth.core.metadata.MetadataStores;
import dev.berth.core.name.RepositoryName;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Keeps the answers to the hot reads of pulls (tag resolution, manifest records, blob links, tag lists,
 * repository existence) in memory, in front of the real stores, so that a pull that was answered once does
 * not touch the database again. {@link #over} wraps the four metadata ports; they share this cache.
 *
 * <p>Invalidation is by generation: every cached answer is keyed with its repository's generation at the
 * time of the read, and every write through the wrapped ports bumps that generation after the write has
 * committed. A read racing with a write can only file its (possibly old) answer under the old generation,
 * which no later read asks for, so a read that starts after a write returns sees the write. Writes made
 * around these ports (deleting a whole tenant registry) call {@link #invalidateRegistry}.
 *
 * <p>Nodes that share the database hear of each other's writes through {@link CacheCoherence}: a write here
 * announces its repository once this node has started its new generation, and the announcement returns only when
 * every other node has started one too (or stopped answering from its caches), so a read on any node that starts
 * after the write was acknowledged sees it. While this node cannot confirm that it has heard every announcement,
 * every read goes to the store and nothing is cached.
 */
public final class MetadataCache {
    private final Map<RepositoryName, AtomicLong> generations = new ConcurrentHashMap<>();
    private final Cache<Key, Object> answers;
    private final CacheCoherence coherence;

    /**
     * A cache whose answers stay true to the writes of the other nodes that {@code coherence} connects it to, and
     * take at most about {@code maxBytes} of the heap ({@link AnswerWeights}).
     */
    public MetadataCache(CacheCoherence coherence, long maxBytes) {
        this.coherence = coherence;
        this.answers = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((Key key, Object answer) -> AnswerWeights.of(key.repository(), key.first(), key.second(), answer))
                .build();
        coherence.subscribe(this::forget);
    }

    /** What the cache holds, for the metrics. */
    public CacheFootprint footprint() {
        return new CacheFootprint("metadata", answers);
    }

    /** A read: its kind, repository, repository generation and arguments. */
    private record Key(String kind, RepositoryName repository, long generation, Object first, Object second) {
    }

    /** The stores' ports behind this cache: hot reads cached, every write through and then a new generation. */
    public MetadataStores over(MetadataStores stores) {
        return new MetadataStores(new CachingRepositoryStore(stores.repositories(), this),
                new CachingBlobLinkStore(stores.blobLinks(), this),
                new CachingManifestStore(stores.manifests(), this),
                new CachingTagStore(stores.tags(), this));
    }

    /** The collector's store through this cache: its deletes of untagged manifests start new generations. */
    public GarbageStore over(GarbageStore garbage) {
        return new CachingGarbageStore(garbage, this);
    }

    /** Forgets every answer about the registry's repositories (the registry was deleted behind this cache). */
    public void invalidateRegistry(String registry) {
        generations.forEach((repository, generation) -> {
            if (repository.registry().equals(registry)) {
                generation.incrementAndGet();
            }
        });
    }

    /** The answer to a read of the repository's current generation, reading through on a miss. */
    @SuppressWarnings("unchecked")
    <T> T read(String kind, RepositoryName repository, Object first, Object second, Supplier<T> read) {
        if (!coherence.cachesCurrent()) {
            MemoryOnly.checkMayLoad();
            return read.get();
        }
        Key key = new Key(kind, repository, generation(repository).get(), first, second);
        return (T) answers.get(key, k -> {
            MemoryOnly.checkMayLoad();
            return read.get();
        });
    }

    /** Runs a write to the repository and then bumps its generation, even when the write failed half-way. */
    <T> T write(RepositoryName repository, Supplier<T> write) {
        try {
            return write.get();
        } finally {
            changed(repository);
        }
    }

    /** Starts a new generation of the repository's answers, here and then on every other node. */
    void changed(RepositoryName repository) {
        generation(repository).incrementAndGet();
        coherence.announce(CacheChange.repository(repository.value()));
    }

    /** What another node's write (or a resync) makes stale here. */
    private void forget(CacheChange change) {
        switch (change.kind()) {
            case REPOSITORY -> generation(RepositoryName.parse(change.key())).incrementAndGet();
            case TENANT -> invalidateRegistry(change.key());
            case EVERYTHING -> {
                generations.values().forEach(AtomicLong::incrementAndGet);
                answers.invalidateAll();
            }
            default -> {
            }
        }
    }

    private AtomicLong generation(RepositoryName repository) {
        return generations.computeIfAbsent(repository, r -> new AtomicLong());
    }
}
