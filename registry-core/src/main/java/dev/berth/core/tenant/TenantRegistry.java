package dev.berth.core.tenant;

import java.time.Instant;

/**
 * A tenant registry: the first path component of its images' names, with its access level, storage limit
 * and current usage.
 *
 * @param storageLimitBytes null when there is no limit
 * @param storageUsedBytes the sizes of the distinct blobs (layers, configs, manifests) linked into its repositories
 * @param repoCount how many repositories it holds
 */
public record TenantRegistry(String name, boolean isPublic, Long storageLimitBytes, long storageUsedBytes, long repoCount,
                             Instant createdAt, Instant updatedAt) {
}
