/**
 * The metadata port: repositories, blob links, manifests, tags, in one transactional store.
 *
 * <p>Starting points: {@link MetadataStore}, {@link ManifestRecord}.
 */
package dev.berth.core.metadata;
