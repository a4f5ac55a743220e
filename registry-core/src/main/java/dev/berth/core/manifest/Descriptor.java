package dev.berth.core.manifest;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.berth.core.digest.Digest;

import java.util.Map;

/**
 * An OCI content descriptor as a manifest or the referrers index carries it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Descriptor(String mediaType, Digest digest, long size, String artifactType, Map<String, String> annotations) {
    public Descriptor {
        annotations = annotations == null || annotations.isEmpty() ? null : Map.copyOf(annotations);
    }
}
