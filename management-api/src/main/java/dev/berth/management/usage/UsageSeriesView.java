package dev.berth.management.usage;

import dev.berth.core.usage.UsagePoint;
import dev.berth.management.json.Timestamps;

import java.time.ZoneOffset;
import java.util.List;

/** The usage call's answer: {@code {"step": "day", "results": [point, ...]}}, oldest point first. */
record UsageSeriesView(String step, List<Point> results) {
    UsageSeriesView {
        results = List.copyOf(results);
    }

    static UsageSeriesView of(String step, List<UsagePoint> points) {
        return new UsageSeriesView(step, points.stream().map(Point::of).toList());
    }

    /**
     * One day.
     *
     * @param time the day's start, 00:00 UTC, as RFC 3339 like every timestamp of the API
     */
    record Point(String time, long storageUsedBytes, long pushes, long pulls, long bytesPushed) {
        static Point of(UsagePoint point) {
            return new Point(Timestamps.format(point.day().atStartOfDay(ZoneOffset.UTC).toInstant()),
                    point.storageUsedBytes(), point.pushes(), point.pulls(), point.bytesPushed());
        }
    }
}
