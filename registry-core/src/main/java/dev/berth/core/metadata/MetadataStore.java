package dev.berth.core.metadata;

import dev.berth.core.digest.Digest;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.name.Tag;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The transactional store of what the registry knows: repositories, the blobs linked into each, their
 * manifests and tags. Every method is one transaction; implementations are safe for concurrent use.
 * A link is recorded only after the blob it names is durable in the blob store.
 *
 * <p>Every repository belongs to the tenant registry its first path component names, and exists only
 * while that registry does. Every method that writes serialises with every other write to the same
 * registry (the H2 store locks the registry's row first), so that a check made inside a write, such as a
 * manifest's dependencies in {@link #putManifest}, still holds when the write commits; the argument is
 * written out in {@code docs/consistency.md}.
 */
public interface MetadataStore {
    /** True when the repository exists: something was pushed into it and it was not deleted since. */
    boolean repositoryExists(RepositoryName repository);

    /** Repository names in lexical order, after {@code last} (exclusive, may be null), at most {@code limit}. */
    List<RepositoryName> listRepositories(String last, int limit);

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

    /** Any repository that links the blob, to mount it from when the client names none; empty when none. */
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
    List<Digest> unlinkUnreferencedBlobs(RepositoryName repository, java.time.Instant linkedBefore);

    /**
     * Deletes a repository with its manifests, tags and blob links, giving back usage; false when it did
     * not exist. Its pull counter goes with it.
     */
    boolean deleteRepository(RepositoryName repository);

    /** True when no repository links the blob and no manifest is stored under its digest. */
    boolean isUnreferenced(Digest digest);

    /**
     * Verifies the manifest's dependencies, records it in the repository and, when {@code tag} is not null,
     * points the tag at it (moving it from any previous manifest), in one transaction that no unlink of
     * the same registry interleaves with: either an unlink commits first and this fails with
     * {@code MANIFEST_BLOB_UNKNOWN}, or this commits first and the unlink sees the manifest's references.
     * {@code NAME_UNKNOWN} when the registry does not exist.
     */
    void putManifest(RepositoryName repository, ManifestRecord manifest, Tag tag, ManifestDependencies dependencies);

    Optional<ManifestRecord> manifest(RepositoryName repository, Digest digest);

    Optional<Digest> resolveTag(RepositoryName repository, Tag tag);

    /** Tags in lexical order, after {@code last} (exclusive, may be null), at most {@code limit}. */
    List<Tag> listTags(RepositoryName repository, String last, int limit);

    /** The tags pointing at a manifest, in lexical order. */
    List<Tag> tagsOf(RepositoryName repository, Digest digest);

    /** Removes one tag; false when it did not exist. */
    boolean deleteTag(RepositoryName repository, Tag tag);

    /** Removes a manifest and every tag pointing at it; false when it did not exist. */
    boolean deleteManifest(RepositoryName repository, Digest digest);

    /** The manifests of the repository whose {@code subject} is {@code subject}, ordered by digest. */
    List<ManifestRecord> referrers(RepositoryName repository, Digest subject);
}
