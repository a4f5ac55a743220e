package dev.berth.core.usage;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a registry's daily usage series from its stored rows: one point per UTC day, oldest first.
 *
 * <ul>
 *   <li>Days before the registry's creation day are zero (a registry created again under an old name starts with
 *       no rows: its predecessor's went with it).</li>
 *   <li>Counters are the day's row, or zero for a day without one.</li>
 *   <li>Storage is carried forward: a past day's value is the latest sample on or before it (zero before the
 *       first sample); today and later days show the current usage, which is exact, rather than the last sample,
 *       which may be a minute old.</li>
 * </ul>
 */
public final class UsageSeries {
    private UsageSeries() {
    }

    /**
     * @param rows the stored rows of the days from {@code from} to {@code to}, and the latest sample before them
     * @param created the UTC day the registry was created
     * @param today the current UTC day
     * @param currentUsage the registry's {@code storage_used_bytes} now
     */
    public static List<UsagePoint> build(DailyUsageRows rows, LocalDate from, LocalDate to, LocalDate created,
                                         LocalDate today, long currentUsage) {
        Map<LocalDate, DailyUsage> byDay = new HashMap<>();
        rows.days().forEach(row -> byDay.put(row.day(), row));
        List<UsagePoint> points = new ArrayList<>();
        Long storage = rows.storageSampledBefore();
        for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
            DailyUsage row = byDay.get(day);
            if (row != null && row.storageUsedBytes() != null) {
                storage = row.storageUsedBytes();
            }
            if (day.isBefore(created)) {
                points.add(UsagePoint.zero(day));
                continue;
            }
            long used = day.isBefore(today) ? (storage == null ? 0 : storage) : currentUsage;
            points.add(row == null ? new UsagePoint(day, used, 0, 0, 0)
                    : new UsagePoint(day, used, row.pushes(), row.pulls(), row.bytesPushed()));
        }
        return points;
    }
}
