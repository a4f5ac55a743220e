package dev.berth.core.metadata;

import dev.berth.core.digest.Digest;
import dev.berth.core.name.RepositoryName;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Predicate;

/**
 * The blobs linked into each repository, and the registry usage they add up to. A link is what makes a blob
 * part of a repository: pulls see only linked blobs, and a registry is charged a blob's size once, while
 * at least one of its repositories links it. A link is recorded only after its blob is durable in the blob
 * store.
 *
 * <p>Every method is one transaction; implementations are safe for concurrent use. Every method that writes
 * serialises with every other write to the same registry, so that a check made inside a write still holds
 * when the write commits (the argument is in {@code docs/consistency.md}).
 */
public interface BlobLinkStore {
    /**
     * Links each blob into its repository, creating the repository when needed, and refreshes the link's time
     * when it exists; {@code NAME_UNKNOWN} when a repository's registry does not exist (nothing is linked).
     * When a blob is new to the repository's tenant registry, adds its size to that registry's
     * {@code storage_used_bytes}. Idempotent. All in one transaction: the group commit of uploads that finish
     * together, which then pay for one commit instead of one each.
     *
     * <p>A new link first takes the blob's lock against the garbage collector
     * ({@link dev.berth.core.gc.GarbageStore}). When the blob has no link anywhere (it is new to the store, or a
     * candidate for collection), {@code stored} is asked, under that lock, whether its file is still there: a
     * blob whose file the collector has removed is not linked, and is returned, so that its client uploads it
     * again. A blob linked elsewhere is not asked about: its file stays while it is linked.
     *
     * @return the links not made because their blob is gone; empty in the common case
     */
    default List<BlobLink> linkBlobs(List<BlobLink> links, Predicate<Digest> stored) {
        LinkCommit commit = commitLinks(links, stored);
        commit.durable().await();
        return commit.gone();
    }

    /**
     * {@link #linkBlobs}, returning once the transaction has committed (every reader sees the links) and leaving
     * the wait until it is durable to the caller ({@link LinkCommit#durable}), who must not acknowledge a link
     * before. {@code BlobLinker} waits outside its registry's lock, so that the registry's next group of links
     * commits while this one's commit is being written.
     */
    LinkCommit commitLinks(List<BlobLink> links, Predicate<Digest> stored);

    /** True when some repository of the tenant registry links the blob (so that linking it again costs no quota). */
    boolean registryLinksBlob(String registry, Digest digest);

    /** The size of a blob linked into the repository, or empty when it is not linked. */
    OptionalLong linkedBlobSize(RepositoryName repository, Digest digest);

    /** Any repository that links the blob, the first by name, to mount it from when the client names none. */
    Optional<RepositoryName> anyRepositoryLinking(Digest digest);

    /**
     * Removes a blob's link from a repository; false when it was not linked. When no repository of the
     * tenant registry links it any more, its size is given back to the registry's usage in the same transaction.
     */
    boolean unlinkBlob(RepositoryName repository, Digest digest);

    /**
     * Unlinks, in one transaction, the repository's blobs that no remaining manifest of it references and
     * that are not themselves a remaining manifest, sparing those linked at or after {@code linkedBefore}
     * (a push in progress). When {@code deleted} is not null it is the manifest whose removal left them
     * unreferenced: its own bytes are unlinked whatever their link's age, so that its registry gets them back at
     * once, unless they were linked again after its push (the same manifest pushed again meanwhile). Usage is
     * given back as in {@link #unlinkBlob}.
     *
     * @return the digests unlinked
     */
    List<Digest> unlinkUnreferencedBlobs(RepositoryName repository, Instant linkedBefore, ManifestRecord deleted);
}
