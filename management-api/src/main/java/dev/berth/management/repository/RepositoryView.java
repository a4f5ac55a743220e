package dev.berth.management.repository;

import dev.berth.core.catalog.RepositorySummary;
import dev.berth.management.json.Timestamps;

/**
 * The repository object of the contract.
 *
 * @param name the name within the registry: the core's full name without its {@code registry/} prefix
 * @param pullCount manifest GETs over its artifacts, deleted ones included
 */
record RepositoryView(String name, long artifactCount, long pullCount, long sizeBytes, String createdAt, String updatedAt) {
    static RepositoryView of(String registry, RepositorySummary summary) {
        String prefix = registry + "/";
        String name = summary.name().startsWith(prefix) ? summary.name().substring(prefix.length()) : summary.name();
        return new RepositoryView(name, summary.artifactCount(), summary.pullCount(), summary.sizeBytes(),
                Timestamps.format(summary.createdAt()), Timestamps.format(summary.updatedAt()));
    }
}
