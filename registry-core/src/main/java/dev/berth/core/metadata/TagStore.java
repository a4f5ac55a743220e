package dev.berth.core.metadata;

import dev.berth.core.digest.Digest;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.name.Tag;

import java.util.List;
import java.util.Optional;

/**
 * The tags of each repository, each pointing at one of its manifests. A tag is written with its manifest
 * ({@link ManifestStore#putManifest}) and removed with it ({@link ManifestStore#deleteManifest}) or alone here.
 *
 * <p>Every method is one transaction; implementations are safe for concurrent use.
 */
public interface TagStore {
    /** The digest of the manifest the tag points at, or empty when the tag does not exist. */
    Optional<Digest> resolveTag(RepositoryName repository, Tag tag);

    /** Tags in lexical order, after {@code last} (exclusive, may be null), at most {@code limit}. */
    List<Tag> listTags(RepositoryName repository, String last, int limit);

    /** Removes one tag; false when it did not exist. */
    boolean deleteTag(RepositoryName repository, Tag tag);
}
