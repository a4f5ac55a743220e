package dev.berth.core.usage;

import java.util.List;

/**
 * What a store holds of a registry's daily usage over a span of days: the rows of the days in the span, oldest
 * first (days without a row had nothing counted and no sample), and the latest storage sample before the span, from
 * which the span's first days carry the usage forward.
 *
 * @param storageSampledBefore the latest sample of a day before the span, or null when there is none
 */
public record DailyUsageRows(Long storageSampledBefore, List<DailyUsage> days) {
    public DailyUsageRows {
        days = List.copyOf(days);
    }
}
