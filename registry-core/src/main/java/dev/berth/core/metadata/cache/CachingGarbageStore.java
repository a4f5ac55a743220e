package dev.berth.core.metadata.cache;

import dev.berth.core.blob.StoredBlobFile;
import dev.berth.core.digest.Digest;
import dev.berth.core.gc.GarbageStore;
import dev.berth.core.name.RepositoryName;

import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * {@link GarbageStore} through a {@link MetadataCache}: deleting untagged manifests is a write to their
 * repository, after which its cached answers are stale. The candidates are not cached, so the rest passes through.
 */
final class CachingGarbageStore implements GarbageStore {
    private final GarbageStore store;
    private final MetadataCache cache;

    CachingGarbageStore(GarbageStore store, MetadataCache cache) {
        this.store = store;
        this.cache = cache;
    }

    @Override
    public Collected collect(Instant unlinkedBefore, int limit, FileRemoval removal) {
        return store.collect(unlinkedBefore, limit, removal);
    }

    @Override
    public Due countDue(Instant unlinkedBefore) {
        return store.countDue(unlinkedBefore);
    }

    @Override
    public long candidates() {
        return store.candidates();
    }

    @Override
    public List<Digest> unrecorded(Collection<Digest> digests) {
        return store.unrecorded(digests);
    }

    @Override
    public void recordOrphans(List<StoredBlobFile> orphans) {
        store.recordOrphans(orphans);
    }

    @Override
    public int deleteUntagged(RepositoryName repository, Instant pushedBefore, boolean dryRun) {
        return dryRun ? store.deleteUntagged(repository, pushedBefore, true)
                : cache.write(repository, () -> store.deleteUntagged(repository, pushedBefore, false));
    }
}
