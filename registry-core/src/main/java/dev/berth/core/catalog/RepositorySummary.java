package dev.berth.core.catalog;

import java.time.Instant;

/**
 * A repository as the management API lists it.
 *
 * @param name the full repository name, registry included
 * @param pullCount manifest GETs over its artifacts, deleted ones included
 * @param sizeBytes the sizes of the distinct blobs linked into it
 */
public record RepositorySummary(String name, long artifactCount, long pullCount, long sizeBytes, Instant createdAt,
                                Instant updatedAt) {
}
