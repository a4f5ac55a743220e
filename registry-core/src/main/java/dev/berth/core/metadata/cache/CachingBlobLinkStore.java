package dev.berth.core.metadata.cache;

import dev.berth.core.digest.Digest;
import dev.berth.core.metadata.BlobLink;
import dev.berth.core.metadata.BlobLinkStore;
import dev.berth.core.metadata.LinkCommit;
import dev.berth.core.metadata.ManifestRecord;
import dev.berth.core.name.RepositoryName;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Predicate;

/**
 * {@link BlobLinkStore} through a {@link MetadataCache}: a repository's link of a blob (every blob pull asks)
 * cached; the reads that span repositories or a registry, which pushes ask once each, read through.
 */
final class CachingBlobLinkStore implements BlobLinkStore {
    private final BlobLinkStore store;
    private final MetadataCache cache;

    CachingBlobLinkStore(BlobLinkStore store, MetadataCache cache) {
        this.store = store;
        this.cache = cache;
    }

    @Override
    public OptionalLong linkedBlobSize(RepositoryName repository, Digest digest) {
        return cache.read("link", repository, digest, null, () -> store.linkedBlobSize(repository, digest));
    }

    @Override
    public LinkCommit commitLinks(List<BlobLink> links, Predicate<Digest> stored) {
        try {
            return store.commitLinks(links, stored);
        } finally {
            links.forEach(link -> cache.changed(link.repository()));
        }
    }

    @Override
    public boolean unlinkBlob(RepositoryName repository, Digest digest) {
        return cache.write(repository, () -> store.unlinkBlob(repository, digest));
    }

    @Override
    public List<Digest> unlinkUnreferencedBlobs(RepositoryName repository, Instant linkedBefore, ManifestRecord deleted) {
        return cache.write(repository, () -> store.unlinkUnreferencedBlobs(repository, linkedBefore, deleted));
    }

    @Override
    public boolean registryLinksBlob(String registry, Digest digest) {
        return store.registryLinksBlob(registry, digest);
    }

    @Override
    public Optional<RepositoryName> anyRepositoryLinking(Digest digest) {
        return store.anyRepositoryLinking(digest);
    }
}
