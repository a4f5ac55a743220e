package dev.berth.core.testing;

import dev.berth.core.listing.Listing;
import dev.berth.core.listing.PageRequest;
import dev.berth.core.usage.HistoryEvent;
import dev.berth.core.usage.PullRecord;
import dev.berth.core.usage.UsageStore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Pull records and history events in lists; {@link #failing} makes every write throw, as a store that is down.
 * A partial stand-in for service tests, not held to {@link dev.berth.core.usage.UsageStoreContract}: pulls are
 * only kept for {@link #pulls} to show (no counters a catalog could read), history ignores the name filter, and
 * of two events at one time the one appended first comes first.
 */
public final class InMemoryUsageStore implements UsageStore {
    private final List<PullRecord> pulls = new ArrayList<>();
    private final List<HistoryEvent> history = new ArrayList<>();
    private final List<Integer> batchSizes = new ArrayList<>();
    public volatile boolean failing;

    @Override
    public synchronized void recordPulls(List<PullRecord> batch) {
        if (failing) {
            throw new IllegalStateException("usage store is down");
        }
        pulls.addAll(batch);
        batchSizes.add(batch.size());
    }

    @Override
    public synchronized void appendHistory(List<HistoryEvent> events) {
        if (failing) {
            throw new IllegalStateException("usage store is down");
        }
        history.addAll(events);
        batchSizes.add(events.size());
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
