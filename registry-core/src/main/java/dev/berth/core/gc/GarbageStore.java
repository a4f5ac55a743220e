package dev.berth.core.gc;

import dev.berth.core.blob.StoredBlobFile;
import dev.berth.core.digest.Digest;
import dev.berth.core.name.RepositoryName;

import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * What the garbage collector needs from the metadata store: the blobs it holds, which of them no repository
 * links any more (the candidates, each with the time its last link went), and the lock that orders the removal
 * of a blob's file against a new link of the same blob.
 *
 * <p>The lock is per blob. {@link dev.berth.core.metadata.BlobLinkStore#linkBlobs} takes it before it links a
 * blob; {@link #collect} takes it, skipping blobs whose lock another transaction holds, before it decides that a
 * blob is garbage, and keeps it while the file is removed. Either the link takes it first and the collector then
 * sees the link, or the collector does and the link then finds the file gone (the argument is in
 * {@code docs/consistency.md}).
 */
public interface GarbageStore {
    /** What a collection removes under the lock: the files of blobs found to be garbage. */
    @FunctionalInterface
    interface FileRemoval {
        void remove(List<Digest> garbage);
    }

    /** Blobs freed by one {@link #collect}: how many and their bytes, and how many candidates it looked at. */
    record Collected(int examined, int freed, long bytesFreed) {
        public static final Collected NONE = new Collected(0, 0, 0);
    }

    /** Candidates due for removal, as a dry run counts them. */
    record Due(long blobs, long bytes) {
    }

    /**
     * Collects up to {@code limit} candidates whose last link went before {@code unlinkedBefore}, in one
     * transaction: locks them (skipping those another transaction has locked), drops from the candidates those
     * linked again (postponed until their next last unlink), has {@code removal} remove the files of the others
     * while the locks are held, and forgets them. A candidate whose removal throws stays a candidate.
     *
     * @return what was examined and freed; {@code examined} is 0 when no candidate is due
     */
    Collected collect(Instant unlinkedBefore, int limit, FileRemoval removal);

    /** The candidates {@link #collect} would free now with the same cut-off, counted without changing anything. */
    Due countDue(Instant unlinkedBefore);

    /** How many candidates wait, due or not. */
    long candidates();

    /** Those of {@code digests} the store has no record of (files no link, candidate or manifest accounts for). */
    List<Digest> unrecorded(Collection<Digest> digests);

    /**
     * Records stored files that nothing accounts for (left by deletes before the store kept candidates, or by a
     * crash) as candidates unlinked when they were last written, so that {@link #collect} removes them under the
     * same lock as any other. Files recorded meanwhile are left as they are.
     */
    void recordOrphans(List<StoredBlobFile> orphans);

    /**
     * Deletes the manifests of the repository that nothing keeps, pushed before {@code pushedBefore}, and unlinks
     * the blobs only they used (linked before {@code pushedBefore}), in one transaction that no other write to
     * the registry interleaves with. A manifest is kept when it has a tag, was pushed since the cut-off, is listed
     * by a kept index, is the {@code subject} of a kept manifest, or has a kept manifest as its subject.
     *
     * @param dryRun count them and change nothing
     * @return how many manifests were deleted (or would be)
     */
    int deleteUntagged(RepositoryName repository, Instant pushedBefore, boolean dryRun);
}
