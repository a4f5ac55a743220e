package dev.berth.core.metadata;

import dev.berth.core.digest.Digest;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the metadata store keeps of one manifest in one repository. Its bytes live in the blob store
 * under {@code digest}.
 *
 * @param references the digests of the blobs and manifests it refers to (config, layers, children)
 * @param subject the digest of the manifest it refers to as a referrer, or null
 * @param artifactType the artifact type for the referrers API (its {@code artifactType}, else its config's media type), or null
 * @param annotations its annotations, for the referrers API
 */
public record ManifestRecord(Digest digest, String mediaType, long size, List<Digest> references, Digest subject,
                             String artifactType, Map<String, String> annotations, Instant pushedAt) {
    public ManifestRecord {
        references = List.copyOf(references);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }
}
