package dev.berth.core.metadata;

/**
 * The four metadata ports of one store, which share its transactions and its tables: an implementation
 * opens them together over one database, and the caching layer wraps them together
 * ({@link dev.berth.core.metadata.cache.MetadataCache}).
 */
public record MetadataStores(RepositoryStore repositories, BlobLinkStore blobLinks, ManifestStore manifests,
                             TagStore tags) {
}
