package dev.berth.core.usage;

import java.time.LocalDate;

/**
 * One stored row of a registry's daily usage: what was counted on a UTC day, and the storage sample taken that day.
 *
 * @param storageUsedBytes the registry's {@code storage_used_bytes} at the last sample of the day, or null when
 *                         no sample was written that day (the usage was the same as at the previous sample, or
 *                         no server was running): a reader carries the previous sample forward
 * @param pushes the push events of the day (one per manifest pushed, one per tag of it)
 * @param pulls the manifest GETs of the day, every one of them, whether or not it got a history row
 * @param bytesPushed the sizes of the blobs (layers, configs, manifests) whose upload into the registry
 *                    completed that day
 */
public record DailyUsage(LocalDate day, Long storageUsedBytes, long pushes, long pulls, long bytesPushed) {
}
