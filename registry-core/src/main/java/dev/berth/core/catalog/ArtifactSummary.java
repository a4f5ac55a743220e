package dev.berth.core.catalog;

import dev.berth.core.digest.Digest;

import java.time.Instant;
import java.util.List;

/**
 * One manifest of a repository as the management API lists it.
 *
 * @param size the manifest plus every blob it references, and for an index its children's sizes likewise
 * @param pulledAt null until it is pulled
 */
public record ArtifactSummary(Digest digest, String mediaType, long size, long pullCount, java.time.Instant pushedAt,
                              Instant pulledAt, List<TagSummary> tags) {
    public ArtifactSummary {
        tags = List.copyOf(tags);
    }
}
