package dev.berth.core.metadata.cache;

import dev.berth.core.digest.Digest;
import dev.berth.core.metadata.TagStore;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.name.Tag;

import java.util.List;
import java.util.Optional;

/** {@link TagStore} through a {@link MetadataCache}: tag resolution and tag lists cached. */
final class CachingTagStore implements TagStore {
    private final TagStore store;
    private final MetadataCache cache;

    CachingTagStore(TagStore store, MetadataCache cache) {
        this.store = store;
        this.cache = cache;
    }

    @Override
    public Optional<Digest> resolveTag(RepositoryName repository, Tag tag) {
        return cache.read("tag", repository, tag, null, () -> store.resolveTag(repository, tag));
    }

    @Override
    public List<Tag> listTags(RepositoryName repository, String last, int limit) {
        return cache.read("tags", repository, last, limit, () -> store.listTags(repository, last, limit));
    }

    @Override
    public boolean deleteTag(RepositoryName repository, Tag tag) {
        return cache.write(repository, () -> store.deleteTag(repository, tag));
    }
}
