package dev.berth.core.usage;

import dev.berth.core.digest.Digest;
import dev.berth.core.name.RepositoryName;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Collects pull counts and history events off the request path and writes them in batches. The server
 * calls {@link #flush()} every second and once more when it stops, so nothing recorded is lost by a
 * clean shutdown and everything is visible within seconds.
 *
 * <p>Pull history has a ceiling. Every manifest {@code GET} is a history row, and the store writes rows
 * more slowly than the event loop serves cached pulls (about 60,000 a second per core against well over
 * that): under a sustained flood the backlog would grow until the heap is spent on it. So at most
 * {@value #MAX_PENDING_PULL_EVENTS} pull events wait at a time; pulls beyond that are counted (pull
 * counters and {@code pulled_at} are never dropped) but get no history row, and {@link #droppedPullEvents()}
 * and a warning per flush say how many. Push and delete events are always kept.
 */
public final class UsageRecorder {
    private static final System.Logger LOG = System.getLogger(UsageRecorder.class.getName());
    static final int MAX_PENDING_PULL_EVENTS = 100_000;

    private final UsageStore store;
    private final Clock clock;
    private final Queue<PullRecord> pulls = new ConcurrentLinkedQueue<>();
    private final Queue<HistoryEvent> events = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pendingPullEvents = new AtomicInteger();
    private final LongAdder droppedPullEvents = new LongAdder();
    private long droppedReported;

    public UsageRecorder(UsageStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** A manifest was fetched (GET, not HEAD); {@code tag} is null when fetched by digest. */
    public void pulled(RepositoryName repository, Digest digest, String tag, long bytes, String actor) {
        PullRecord pull = new PullRecord(repository, digest, tag, clock.instant());
        pulls.add(pull);
        if (pendingPullEvents.incrementAndGet() > MAX_PENDING_PULL_EVENTS) {
            pendingPullEvents.decrementAndGet();
            droppedPullEvents.increment();
            return;
        }
        event("pull", repository, tag != null ? tag : digest.value(), digest, bytes, actor);
    }

    /** Pull events that got no history row because the backlog was full, since the server started. */
    public long droppedPullEvents() {
        return droppedPullEvents.sum();
    }

    public void pushed(RepositoryName repository, String reference, Digest digest, long bytes, String actor) {
        event("push", repository, reference, digest, bytes, actor);
    }

    /** An artifact, a tag or (with a null digest and reference) a repository was removed. */
    public void deleted(RepositoryName repository, String reference, Digest digest, long bytes, String actor) {
        event("delete", repository, reference, digest, bytes, actor);
    }

    private void event(String action, RepositoryName repository, String reference, Digest digest, long bytes, String actor) {
        String name = repository.value();
        String registry = repository.registry();
        String inRegistry = name.length() > registry.length() ? name.substring(registry.length() + 1) : name;
        events.add(new HistoryEvent(clock.instant(), registry, action, inRegistry, reference,
                digest == null ? null : digest.value(), bytes, actor));
    }

    /** Writes everything collected so far. */
    public synchronized void flush() {
        write(pulls, store::recordPulls);
        List<HistoryEvent> written = write(events, store::appendHistory);
        pendingPullEvents.addAndGet(-(int) written.stream().filter(e -> e.action().equals("pull")).count());
        long dropped = droppedPullEvents.sum();
        if (dropped > droppedReported) {
            LOG.log(System.Logger.Level.WARNING, (dropped - droppedReported) + " pull(s) got no history event: "
                    + "more pulls than the store writes history rows for (pull counts are kept)");
            droppedReported = dropped;
        }
    }

    /** Writes one queue's batch and returns it; a failed batch goes back to be retried by the next flush. */
    private static <T> List<T> write(Queue<T> queue, java.util.function.Consumer<List<T>> writer) {
        List<T> batch = drain(queue);
        if (batch.isEmpty()) {
            return batch;
        }
        try {
            writer.accept(batch);
            return batch;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "writing usage failed; will retry", e);
            queue.addAll(batch);
            return List.of();
        }
    }

    private static <T> List<T> drain(Queue<T> queue) {
        List<T> batch = new ArrayList<>();
        T item;
        while ((item = queue.poll()) != null) {
            batch.add(item);
        }
        return batch;
    }
}
