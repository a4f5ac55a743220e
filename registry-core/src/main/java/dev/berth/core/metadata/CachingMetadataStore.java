package dev.berth.core.metadata;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.berth.core.digest.Digest;
import dev.berth.core.memory.MemoryOnly;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.name.Tag;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Keeps the answers to the hot reads of pulls (tag resolution, manifest records, blob links, tag lists,
 * repository existence) in memory, in front of the real store, so that a pull that was answered once does
 * not touch the database again.
 *
 * <p>Invalidation is by generation: every cached answer is keyed with its repository's generation at the
 * time of the read, and every write through this store bumps that generation after the write has
 * committed. A read racing with a write can only file its (possibly old) answer under the old generation,
 * which no later read asks for, so a read that starts after a write returns sees the write. Writes made
 * around this store (deleting a whole tenant registry) call {@link #invalidateRegistry}. This relies on
 * one server process owning the database, which is how Berth runs.
 */
public final class CachingMetadataStore implements MetadataStore {
    private static final long MAX_ENTRIES = 200_000;

    private final MetadataStore store;
    private final Map<RepositoryName, AtomicLong> generations = new ConcurrentHashMap<>();
    private final Cache<Key, Object> answers = Caffeine.newBuilder().maximumSize(MAX_ENTRIES).build();

    /** A read: its kind, repository, repository generation and arguments. */
    private record Key(String kind, RepositoryName repository, long generation, Object first, Object second) {
    }

    public CachingMetadataStore(MetadataStore store) {
        this.store = store;
    }

    /** Forgets every answer about the registry's repositories (the registry was deleted behind this store). */
    public void invalidateRegistry(String registry) {
        generations.forEach((repository, generation) -> {
            if (repository.registry().equals(registry)) {
                generation.incrementAndGet();
            }
        });
    }

    private long generation(RepositoryName repository) {
        return generations.computeIfAbsent(repository, r -> new AtomicLong()).get();
    }

    private void changed(RepositoryName repository) {
        generations.computeIfAbsent(repository, r -> new AtomicLong()).incrementAndGet();
    }

    @SuppressWarnings("unchecked")
    private <T> T cached(String kind, RepositoryName repository, Object first, Object second, Supplier<T> read) {
        Key key = new Key(kind, repository, generation(repository), first, second);
        return (T) answers.get(key, k -> {
            MemoryOnly.checkMayLoad();
            return read.get();
        });
    }

    // ---- cached reads ---------------------------------------------------------------------------

    @Override
    public boolean repositoryExists(RepositoryName repository) {
        return cached("exists", repository, null, null, () -> store.repositoryExists(repository));
    }

    @Override
    public OptionalLong linkedBlobSize(RepositoryName repository, Digest digest) {
        return cached("link", repository, digest, null, () -> store.linkedBlobSize(repository, digest));
    }

    @Override
    public Optional<ManifestRecord> manifest(RepositoryName repository, Digest digest) {
        return cached("manifest", repository, digest, null, () -> store.manifest(repository, digest));
    }

    @Override
    public Optional<Digest> resolveTag(RepositoryName repository, Tag tag) {
        return cached("tag", repository, tag, null, () -> store.resolveTag(repository, tag));
    }

    @Override
    public List<Tag> listTags(RepositoryName repository, String last, int limit) {
        return cached("tags", repository, last, limit, () -> store.listTags(repository, last, limit));
    }

    // ---- writes: through, then a new generation -------------------------------------------------

    /** Runs a write to the repository and then bumps its generation, even when the write failed half-way. */
    private <T> T write(RepositoryName repository, Supplier<T> write) {
        try {
            return write.get();
        } finally {
            changed(repository);
        }
    }

    @Override
    public void linkBlobs(List<BlobLink> links) {
        try {
            store.linkBlobs(links);
        } finally {
            links.forEach(link -> changed(link.repository()));
        }
    }

    @Override
    public boolean unlinkBlob(RepositoryName repository, Digest digest) {
        return write(repository, () -> store.unlinkBlob(repository, digest));
    }

    @Override
    public List<Digest> unlinkUnreferencedBlobs(RepositoryName repository, Instant linkedBefore) {
        return write(repository, () -> store.unlinkUnreferencedBlobs(repository, linkedBefore));
    }

    @Override
    public boolean deleteRepository(RepositoryName repository) {
        return write(repository, () -> store.deleteRepository(repository));
    }

    @Override
    public void putManifest(RepositoryName repository, ManifestRecord manifest, Tag tag,
                            ManifestDependencies dependencies) {
        write(repository, () -> {
            store.putManifest(repository, manifest, tag, dependencies);
            return null;
        });
    }

    @Override
    public boolean deleteTag(RepositoryName repository, Tag tag) {
        return write(repository, () -> store.deleteTag(repository, tag));
    }

    @Override
    public boolean deleteManifest(RepositoryName repository, Digest digest) {
        return write(repository, () -> store.deleteManifest(repository, digest));
    }

    // ---- uncached reads: rare, or spanning repositories -----------------------------------------

    @Override
    public List<RepositoryName> listRepositories(String last, int limit) {
        return store.listRepositories(last, limit);
    }

    @Override
    public boolean registryLinksBlob(String registry, Digest digest) {
        return store.registryLinksBlob(registry, digest);
    }

    @Override
    public Optional<RepositoryName> anyRepositoryLinking(Digest digest) {
        return store.anyRepositoryLinking(digest);
    }

    @Override
    public boolean isUnreferenced(Digest digest) {
        return store.isUnreferenced(digest);
    }

    @Override
    public List<Tag> tagsOf(RepositoryName repository, Digest digest) {
        return store.tagsOf(repository, digest);
    }

    @Override
    public List<ManifestRecord> referrers(RepositoryName repository, Digest subject) {
        return store.referrers(repository, subject);
    }
}
