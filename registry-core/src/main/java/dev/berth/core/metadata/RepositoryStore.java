package dev.berth.core.metadata;

import dev.berth.core.name.RepositoryName;

import java.util.List;

/**
 * The repositories themselves: whether one exists, their names in order, and the deletion of one with
 * everything in it. A repository is created by the first blob link or manifest written into it
 * ({@link BlobLinkStore#linkBlobs}, {@link ManifestStore#putManifest}), never on its own.
 *
 * <p>Every repository belongs to the tenant registry its first path component names, and exists only while
 * that registry does. Every method is one transaction; implementations are safe for concurrent use.
 */
public interface RepositoryStore {
    /** True when the repository exists: something was pushed into it and it was not deleted since. */
    boolean repositoryExists(RepositoryName repository);

    /** Repository names in lexical order, after {@code last} (exclusive, may be null), at most {@code limit}. */
    List<RepositoryName> listRepositories(String last, int limit);

    /**
     * Deletes a repository with its manifests, tags and blob links, giving back the usage of the blobs no other
     * repository of its registry links; false when it did not exist. Its pull counter goes with it.
     */
    boolean deleteRepository(RepositoryName repository);
}
