package dev.berth.core.metadata;

import dev.berth.core.error.RegistryException;
import dev.berth.core.manifest.Descriptor;
import dev.berth.core.manifest.MediaTypes;
import dev.berth.core.manifest.ParsedManifest;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * What a manifest needs in its repository to be stored: its blobs (config and layers, and the manifest's
 * own bytes) linked with the sizes it declares, and the manifests an index lists stored.
 *
 * <p>{@link ManifestStore#putManifest} verifies them in the transaction that records the manifest, so that
 * no concurrent unlink can slip between the check and the write (see {@code docs/consistency.md}).
 *
 * @param blobs the blobs that must be linked, each with the size it must have
 * @param manifests the child manifests that must be stored
 */
public record ManifestDependencies(List<Descriptor> blobs, List<Descriptor> manifests) {
    /** Nothing required: an index that lists no manifest, or a record written by recovery or tests. */
    public static final ManifestDependencies NONE = new ManifestDependencies(List.of(), List.of());

    public ManifestDependencies {
        blobs = List.copyOf(blobs);
        manifests = List.copyOf(manifests);
    }

    /** The blobs and children a parsed manifest refers to (not its subject, which need not exist). */
    public static ManifestDependencies of(ParsedManifest manifest) {
        return new ManifestDependencies(manifest.blobs(), manifest.children());
    }

    /** These dependencies and one more blob: the manifest's own bytes, linked just before it is recorded. */
    public ManifestDependencies andBlob(Descriptor blob) {
        List<Descriptor> all = new ArrayList<>(blobs);
        all.add(blob);
        return new ManifestDependencies(all, manifests);
    }

    /**
     * Checks every dependency against the repository: {@code MANIFEST_BLOB_UNKNOWN} for a blob not linked or a
     * child not stored, {@code MANIFEST_INVALID} for a blob whose linked size differs from the descriptor's. A
     * non-distributable layer may be absent (its content is elsewhere, at its {@code urls}); when it is linked, its
     * size must match like any blob's.
     */
    public void verify(RepositoryContents repository) {
        for (Descriptor blob : blobs) {
            OptionalLong size = repository.linkedBlobSize(blob.digest());
            if (size.isEmpty() && MediaTypes.isNonDistributable(blob.mediaType())) {
                continue;
            }
            if (size.isEmpty()) {
                throw RegistryException.manifestBlobUnknown(blob.digest());
            }
            if (size.getAsLong() != blob.size()) {
                throw RegistryException.manifestInvalid("descriptor size " + blob.size() + " of " + blob.digest()
                        + " does not match the blob's " + size.getAsLong() + " bytes");
            }
        }
        for (Descriptor child : manifests) {
            if (!repository.hasManifest(child.digest())) {
                throw RegistryException.manifestBlobUnknown(child.digest());
            }
        }
    }
}
