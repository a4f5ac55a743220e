package dev.berth.core.metadata;

import dev.berth.core.digest.Digest;
import dev.berth.core.name.RepositoryName;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

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
     */
    void linkBlobs(List<BlobLink> links);

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
     * (a push in progress). Usage is given back as in {@link #unlinkBlob}.
     *
     * @return the digests unlinked
     */
    List<Digest> unlinkUnreferencedBlobs(RepositoryName repository, Instant linkedBefore);
}
