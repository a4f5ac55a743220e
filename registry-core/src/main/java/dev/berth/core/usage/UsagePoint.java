package dev.berth.core.usage;

import java.time.LocalDate;

/**
 * One UTC day of a registry's usage series: zero before the registry existed.
 *
 * @param storageUsedBytes the usage at the end of the day (at its last sample, see {@link UsageRecorder}); today's
 *                         is the current usage
 * @param pushes the push events of the day
 * @param pulls the pull events (manifest GETs) of the day
 * @param bytesPushed the sizes of the blobs and manifests whose upload into the registry completed that day
 */
public record UsagePoint(LocalDate day, long storageUsedBytes, long pushes, long pulls, long bytesPushed) {
    static UsagePoint zero(LocalDate day) {
        return new UsagePoint(day, 0, 0, 0, 0);
    }
}
