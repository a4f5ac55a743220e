package dev.berth.core.testing;

import dev.berth.core.listing.Listing;
import dev.berth.core.listing.PageRequest;
import dev.berth.core.usage.DailyUsage;
import dev.berth.core.usage.DailyUsageRows;
import dev.berth.core.usage.HistoryEvent;
import dev.berth.core.usage.PullRecord;
import dev.berth.core.usage.UploadedBytes;
import dev.berth.core.usage.UsageStore;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Pull records and history events in lists; {@link #failing} makes every write throw, as a store that is down.
 * A partial stand-in for service tests, not held to {@link dev.berth.core.usage.UsageStoreContract}: pulls are
 * only kept for {@link #pulls} to show (no counters a catalog could read), history ignores the name filter, and
 * of two events at one time the one appended first comes first. Daily rows are added to as the SQL store adds to
 * them, for every registry named (it knows no registries); storage samples are only remembered by day
 * ({@link #sampledDays}), and tests put a day's storage in with {@link #putStorage}.
 */
public final class InMemoryUsageStore implements UsageStore {
    private final List<PullRecord> pulls = new ArrayList<>();
    private final List<HistoryEvent> history = new ArrayList<>();
    private final List<Integer> batchSizes = new ArrayList<>();
    private final Map<String, TreeMap<LocalDate, DailyUsage>> days = new HashMap<>();
    private final List<LocalDate> sampledDays = new ArrayList<>();
    public volatile boolean failing;
    /** Runs in every {@link #appendHistory}, before it writes: what happens while a batch of events is written. */
    public volatile Runnable whileAppending = () -> { };

    @Override
    public synchronized void recordPulls(List<PullRecord> batch) {
        if (failing) {
            throw new IllegalStateException("usage store is down");
        }
        pulls.addAll(batch);
        batchSizes.add(batch.size());
        batch.forEach(p -> add(p.repository().registry(), day(p.latest()), 0, p.count(), 0));
    }

    @Override
    public synchronized void appendHistory(List<HistoryEvent> events) {
        whileAppending.run();
        if (failing) {
            throw new IllegalStateException("usage store is down");
        }
        history.addAll(events);
        batchSizes.add(events.size());
        events.stream().filter(e -> e.action().equals("push")).forEach(e -> add(e.registry(), day(e.time()), 1, 0, 0));
    }

    @Override
    public synchronized void addUploadedBytes(List<UploadedBytes> uploads) {
        if (failing) {
            throw new IllegalStateException("usage store is down");
        }
        uploads.forEach(u -> add(u.registry(), u.day(), 0, 0, u.bytes()));
        batchSizes.add(uploads.size());
    }

    @Override
    public synchronized void sampleStorage(LocalDate day) {
        if (failing) {
            throw new IllegalStateException("usage store is down");
        }
        sampledDays.add(day);
    }

    @Override
    public synchronized DailyUsageRows dailyUsage(String registry, LocalDate from, LocalDate to) {
        TreeMap<LocalDate, DailyUsage> rows = days.getOrDefault(registry, new TreeMap<>());
        Long before = rows.headMap(from, false).descendingMap().values().stream().map(DailyUsage::storageUsedBytes)
                .filter(v -> v != null).findFirst().orElse(null);
        return new DailyUsageRows(before, List.copyOf(rows.subMap(from, true, to, true).values()));
    }

    /** Sets a day's storage sample, as {@link #sampleStorage} would have written it. */
    public synchronized void putStorage(String registry, LocalDate day, long storageUsedBytes) {
        DailyUsage row = row(registry, day);
        days.get(registry).put(day, new DailyUsage(day, storageUsedBytes, row.pushes(), row.pulls(), row.bytesPushed()));
    }

    /** The days {@link #sampleStorage} was asked to sample, in order. */
    public synchronized List<LocalDate> sampledDays() {
        return List.copyOf(sampledDays);
    }

    /** The registry's rows, oldest first. */
    public synchronized List<DailyUsage> days(String registry) {
        return List.copyOf(days.getOrDefault(registry, new TreeMap<>()).values());
    }

    private void add(String registry, LocalDate day, long pushes, long pulls, long bytes) {
        DailyUsage row = row(registry, day);
        days.get(registry).put(day, new DailyUsage(day, row.storageUsedBytes(), row.pushes() + pushes, row.pulls() + pulls,
                row.bytesPushed() + bytes));
    }

    private DailyUsage row(String registry, LocalDate day) {
        return days.computeIfAbsent(registry, r -> new TreeMap<>()).getOrDefault(day, new DailyUsage(day, null, 0, 0, 0));
    }

    private static LocalDate day(Instant time) {
        return LocalDate.ofInstant(time, ZoneOffset.UTC);
    }

    @Override
    public synchronized Listing<HistoryEvent> history(String registry, String action, PageRequest page) {
        List<HistoryEvent> matching = history.stream()
                .filter(e -> e.registry().equals(registry) && (action == null || action.equals(e.action())))
                .sorted(Comparator.comparing(HistoryEvent::time).reversed())
                .toList();
        return new Listing<>(matching.size(), matching.stream().skip(page.offset()).limit(page.size()).toList());
    }

    @Override
    public synchronized int pruneHistory(Instant before, int limit) {
        List<HistoryEvent> pruned = history.stream().filter(e -> e.time().isBefore(before))
                .sorted(Comparator.comparing(HistoryEvent::time)).limit(limit).toList();
        pruned.forEach(history::remove);
        return pruned.size();
    }

    public synchronized List<PullRecord> pulls() {
        return List.copyOf(pulls);
    }

    public synchronized List<HistoryEvent> events() {
        return List.copyOf(history);
    }

    /** The size of each batch written, pulls and history alike, in order. */
    public synchronized List<Integer> batchSizes() {
        return new ArrayList<>(batchSizes);
    }
}
