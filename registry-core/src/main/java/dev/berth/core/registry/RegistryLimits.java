package dev.berth.core.registry;

import java.time.Duration;

/**
 * The registry's configurable bounds.
 *
 * @param maxManifestBytes the largest manifest accepted (the spec suggests at least 4 MiB)
 * @param uploadExpiry how long an unfinished upload session lives
 * @param maxListPage the most entries one tag or catalog page returns
 * @param deleteGracePeriod blobs linked more recently than this survive the deletion of an artifact that
 *        used them, so that a push in progress is never broken
 * @param manifestCacheBytes the bytes of manifests kept in memory for pulls
 */
public record RegistryLimits(int maxManifestBytes, Duration uploadExpiry, int maxListPage, Duration deleteGracePeriod,
                             long manifestCacheBytes) {
    public static final RegistryLimits DEFAULTS =
            new RegistryLimits(4 * 1024 * 1024, Duration.ofHours(24), 10_000, Duration.ofHours(1), 16L * 1024 * 1024);
}
