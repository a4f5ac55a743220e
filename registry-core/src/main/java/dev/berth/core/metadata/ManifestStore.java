package dev.berth.core.metadata;

import dev.berth.core.digest.Digest;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.name.Tag;

import java.util.List;
import java.util.Optional;

/**
 * The manifests stored in each repository, with the digests each references and its {@code subject}. The
 * manifest's bytes live in the blob store under its digest; this holds what the registry needs to answer
 * without parsing them again.
 *
 * <p>Every method is one transaction; implementations are safe for concurrent use. Writes serialise with
 * every other write to the same registry (see {@link BlobLinkStore}).
 */
public interface ManifestStore {
    /**
     * Verifies the manifest's dependencies, records it in the repository (creating the repository when
     * needed) and points each of the {@code tags} at it (moving them from any previous manifest),
     * in one transaction that no unlink of the same registry interleaves with: either an unlink commits first
     * and this fails with {@code MANIFEST_BLOB_UNKNOWN}, or this commits first and the unlink sees the
     * manifest's references. {@code NAME_UNKNOWN} when the registry does not exist.
     */
    void putManifest(RepositoryName repository, ManifestRecord manifest, List<Tag> tags, ManifestDependencies dependencies);

    /** The manifest stored in the repository under {@code digest}, or empty. */
    Optional<ManifestRecord> manifest(RepositoryName repository, Digest digest);

    /** Removes a manifest and every tag pointing at it; false when it did not exist. */
    boolean deleteManifest(RepositoryName repository, Digest digest);

    /** The manifests of the repository whose {@code subject} is {@code subject}, ordered by digest. */
    List<ManifestRecord> referrers(RepositoryName repository, Digest subject);
}
