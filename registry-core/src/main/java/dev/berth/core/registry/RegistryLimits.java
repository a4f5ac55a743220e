package dev.berth.core.registry;

import java.time.Duration;

/**
 * The registry's configurable bounds.
 *
 * @param maxManifestBytes the largest manifest accepted (the spec suggests at least 4 MiB)
 * @param uploadExpiry how long an unfinished upload session lives
 * @param maxListPage the most entries one tag or catalog page returns
 */
public record RegistryLimits(int maxManifestBytes, Duration uploadExpiry, int maxListPage) {
    public static final RegistryLimits DEFAULTS = new RegistryLimits(4 * 1024 * 1024, Duration.ofHours(24), 10_000);
}
