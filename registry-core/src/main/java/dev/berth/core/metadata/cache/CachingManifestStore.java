package dev.berth.core.metadata.cache;

import dev.berth.core.digest.Digest;
import dev.berth.core.metadata.ManifestDependencies;
import dev.berth.core.metadata.ManifestRecord;
import dev.berth.core.metadata.ManifestStore;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.name.Tag;

import java.util.List;
import java.util.Optional;

/** {@link ManifestStore} through a {@link MetadataCache}: manifest records cached, referrers read through. */
final class CachingManifestStore implements ManifestStore {
    private final ManifestStore store;
    private final MetadataCache cache;

    CachingManifestStore(ManifestStore store, MetadataCache cache) {
        this.store = store;
        this.cache = cache;
    }

    @Override
    public Optional<ManifestRecord> manifest(RepositoryName repository, Digest digest) {
        return cache.read("manifest", repository, digest, null, () -> store.manifest(repository, digest));
    }

    @Override
    public void putManifest(RepositoryName repository, ManifestRecord manifest, List<Tag> tags,
                            ManifestDependencies dependencies) {
        cache.write(repository, () -> {
            store.putManifest(repository, manifest, tags, dependencies);
            return null;
        });
    }

    @Override
    public boolean deleteManifest(RepositoryName repository, Digest digest) {
        return cache.write(repository, () -> store.deleteManifest(repository, digest));
    }

    /** Not cached: rare, and its answer changes with every manifest pushed beside the subject. */
    @Override
    public List<ManifestRecord> referrers(RepositoryName repository, Digest subject) {
        return store.referrers(repository, subject);
    }
}
