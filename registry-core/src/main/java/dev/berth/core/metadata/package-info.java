/**
 * The metadata ports: what the registry knows about repositories ({@link RepositoryStore}), the blobs
 * linked into them ({@link BlobLinkStore}), their manifests ({@link ManifestStore}) and tags
 * ({@link TagStore}), opened together as {@link MetadataStores}.
 *
 * <p>Starting points: {@link BlobLinkStore}, {@link ManifestRecord}, {@link ManifestDependencies}.
 */
package dev.berth.core.metadata;
