package dev.berth.core.usage;

import dev.berth.core.digest.Digest;
import dev.berth.core.name.RepositoryName;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Collects pull counts and history events off the request path and writes them in batches. The server
 * calls {@link #flush()} every second and once more when it stops, so nothing recorded is lost by a
 * clean shutdown and everything is visible within seconds; when {@value #FLUSH_EARLY_AT} pull events
 * wait, a flush starts at once on the executor given for it.
 *
 * <p>Pulls are counted as they come, one tally per artifact and tag: what waits for the next flush grows
 * with the number of artifacts pulled, not with the number of pulls (a queue of one record per pull held
 * hundreds of thousands of objects under a flood of cached pulls, and the collector spent its pauses
 * copying them).
 *
 * <p>Pull history has a ceiling. Every manifest {@code GET} is a history row, and the store writes rows
 * more slowly than the event loops serve cached pulls (8-10 µs of CPU a row, about 70,000 a second on a
 * core of its own, against well over 100,000 pulls a second): under a sustained flood the backlog would grow until the heap is spent on it. So at most
 * {@value #MAX_PENDING_PULL_EVENTS} pull events wait at a time, about a third of a second of writing;
 * pulls beyond that are counted (pull counters and {@code pulled_at} are never dropped) but get no history
 * row, and {@link #droppedPullEvents()} and a warning per flush say how many. Push and delete events are
 * always kept. With the early flush, events are dropped only while pulls outrun the store; the ceiling
 * is low because whatever waits is copied by every young collection (with 100,000 waiting, the pauses
 * took 13-16 ms; with 20,000, 11-13 ms and a third more pulls served).
 */
public final class UsageRecorder {
    private static final System.Logger LOG = System.getLogger(UsageRecorder.class.getName());
    static final int MAX_PENDING_PULL_EVENTS = 20_000;
    static final int FLUSH_EARLY_AT = 5_000;

    private final UsageStore store;
    private final Clock clock;
    private final Executor earlyFlush;
    private final ConcurrentHashMap<PullKey, PullTally> pulls = new ConcurrentHashMap<>();
    private final Queue<HistoryEvent> events = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pendingPullEvents = new AtomicInteger();
    private final LongAdder droppedPullEvents = new LongAdder();
    private long droppedReported;

    /** @param earlyFlush runs the flush that starts when pull events pile up before the next scheduled one */
    public UsageRecorder(UsageStore store, Clock clock, Executor earlyFlush) {
        this.store = store;
        this.clock = clock;
        this.earlyFlush = earlyFlush;
    }

    /** A manifest was fetched (GET, not HEAD); {@code tag} is null when fetched by digest. */
    public void pulled(RepositoryName repository, Digest digest, String tag, long bytes, String actor) {
        Instant now = clock.instant();
        count(new PullKey(repository, digest, tag), 1, now);
        int pending = pendingPullEvents.incrementAndGet();
        if (pending > MAX_PENDING_PULL_EVENTS) {
            pendingPullEvents.decrementAndGet();
            droppedPullEvents.increment();
            return;
        }
        event(now, "pull", repository, tag != null ? tag : digest.value(), digest, bytes, actor);
        // The count rises one at a time, so exactly one pull sees each crossing of the mark.
        if (pending == FLUSH_EARLY_AT) {
            try {
                earlyFlush.execute(this::flush);
            } catch (RejectedExecutionException stopping) {
                // the server is stopping, and its last flush writes what waits
            }
        }
    }

    /**
     * Adds to the key's tally. The tally changes only inside the map's atomic {@code compute}, and a flush
     * takes it out with {@code remove}: a pull lands either in the tally a flush takes or in a new one.
     */
    private void count(PullKey key, long pulls, Instant latest) {
        this.pulls.compute(key, (k, tally) -> (tally == null ? new PullTally() : tally).add(pulls, latest));
    }

    /** Pull events that got no history row because the backlog was full, since the server started. */
    public long droppedPullEvents() {
        return droppedPullEvents.sum();
    }

    public void pushed(RepositoryName repository, String reference, Digest digest, long bytes, String actor) {
        event(clock.instant(), "push", repository, reference, digest, bytes, actor);
    }

    /** An artifact, a tag or (with a null digest and reference) a repository was removed. */
    public void deleted(RepositoryName repository, String reference, Digest digest, long bytes, String actor) {
        event(clock.instant(), "delete", repository, reference, digest, bytes, actor);
    }

    private void event(Instant time, String action, RepositoryName repository, String reference, Digest digest, long bytes,
                       String actor) {
        String name = repository.value();
        String registry = repository.registry();
        String inRegistry = name.length() > registry.length() ? name.substring(registry.length() + 1) : name;
        events.add(new HistoryEvent(time, registry, action, inRegistry, reference,
                digest == null ? null : digest.value(), bytes, actor));
    }

    /**
     * Drops what waits to be written about a registry that was just deleted, so that a registry created
     * again under its name starts with no history and no pull counts of the old one. Waits for a flush in
     * progress; what that flush takes of the registry is written against no registry and skipped.
     */
    public synchronized void forgetRegistry(String registry) {
        pulls.keySet().removeIf(key -> key.repository().registry().equals(registry));
        int pullEvents = 0;
        for (var it = events.iterator(); it.hasNext(); ) {
            HistoryEvent event = it.next();
            if (event.registry().equals(registry)) {
                it.remove();
                pullEvents += event.action().equals("pull") ? 1 : 0;
            }
        }
        pendingPullEvents.addAndGet(-pullEvents);
    }

    /** Writes everything collected so far. */
    public synchronized void flush() {
        writePulls();
        List<HistoryEvent> written = writeEvents();
        pendingPullEvents.addAndGet(-(int) written.stream().filter(e -> e.action().equals("pull")).count());
        long dropped = droppedPullEvents.sum();
        if (dropped > droppedReported) {
            LOG.log(System.Logger.Level.WARNING, (dropped - droppedReported) + " pull(s) got no history event: "
                    + "more pulls than the store writes history rows for (pull counts are kept)");
            droppedReported = dropped;
        }
    }

    /** Writes the tallies taken out of the map; a failed batch is counted again, for the next flush. */
    private void writePulls() {
        List<PullRecord> batch = new ArrayList<>();
        for (PullKey key : pulls.keySet()) {
            PullTally tally = pulls.remove(key);
            if (tally != null) {
                batch.add(new PullRecord(key.repository(), key.digest(), key.tag(), tally.count(), tally.latest()));
            }
        }
        if (batch.isEmpty()) {
            return;
        }
        try {
            store.recordPulls(batch);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "writing pull counts failed; will retry", e);
            for (PullRecord record : batch) {
                count(new PullKey(record.repository(), record.digest(), record.tag()), record.count(), record.latest());
            }
        }
    }

    /** Writes the queued events and returns them; a failed batch goes back to be retried by the next flush. */
    private List<HistoryEvent> writeEvents() {
        List<HistoryEvent> batch = new ArrayList<>();
        HistoryEvent event;
        while ((event = events.poll()) != null) {
            batch.add(event);
        }
        if (batch.isEmpty()) {
            return batch;
        }
        try {
            store.appendHistory(batch);
            return batch;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "writing history failed; will retry", e);
            events.addAll(batch);
            return List.of();
        }
    }

    /** What a pull is counted under: the artifact, and the tag it was pulled through (null: by digest). */
    private record PullKey(RepositoryName repository, Digest digest, String tag) {
    }
}
