package dev.berth.core.metadata;

import dev.berth.core.digest.Digest;
import dev.berth.core.name.RepositoryName;

import java.util.OptionalLong;

/**
 * What one repository holds, as {@link ManifestDependencies#verify} asks it: inside a store's transaction
 * (the authoritative answer) or through the store's public reads (an early, possibly cached one).
 */
public interface RepositoryContents {
    /** The size of the blob as linked into the repository, or empty when it is not linked. */
    OptionalLong linkedBlobSize(Digest digest);

    /** True when a manifest is stored in the repository under {@code digest}. */
    boolean hasManifest(Digest digest);

    /** The repository as the store's ordinary reads see it, each in a transaction of its own. */
    static RepositoryContents of(MetadataStores stores, RepositoryName repository) {
        return new RepositoryContents() {
            @Override
            public OptionalLong linkedBlobSize(Digest digest) {
                return stores.blobLinks().linkedBlobSize(repository, digest);
            }

            @Override
            public boolean hasManifest(Digest digest) {
                return stores.manifests().manifest(repository, digest).isPresent();
            }
        };
    }
}
