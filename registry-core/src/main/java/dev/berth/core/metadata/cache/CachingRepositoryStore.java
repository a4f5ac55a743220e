package dev.berth.core.metadata.cache;

import dev.berth.core.metadata.RepositoryStore;
import dev.berth.core.name.RepositoryName;

import java.util.List;

/** {@link RepositoryStore} through a {@link MetadataCache}: existence cached, the catalog listing read through. */
final class CachingRepositoryStore implements RepositoryStore {
    private final RepositoryStore store;
    private final MetadataCache cache;

    CachingRepositoryStore(RepositoryStore store, MetadataCache cache) {
        this.store = store;
        this.cache = cache;
    }

    @Override
    public boolean repositoryExists(RepositoryName repository) {
        return cache.read("exists", repository, null, null, () -> store.repositoryExists(repository));
    }

    /** Not cached: it spans repositories, and only the catalog endpoint asks. */
    @Override
    public List<RepositoryName> listRepositories(String last, int limit) {
        return store.listRepositories(last, limit);
    }

    @Override
    public boolean deleteRepository(RepositoryName repository) {
        return cache.write(repository, () -> store.deleteRepository(repository));
    }
}
