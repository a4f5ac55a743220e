package dev.berth.core.usage;

import dev.berth.core.digest.Digest;
import dev.berth.core.name.RepositoryName;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Collects pull counts and history events off the request path and writes them in batches. The server
 * calls {@link #flush()} every second and once more when it stops, so nothing recorded is lost by a
 * clean shutdown and everything is visible within seconds.
 */
public final class UsageRecorder {
    private static final System.Logger LOG = System.getLogger(UsageRecorder.class.getName());

    private final UsageStore store;
    private final Clock clock;
    private final Queue<PullRecord> pulls = new ConcurrentLinkedQueue<>();
    private final Queue<HistoryEvent> events = new ConcurrentLinkedQueue<>();

    public UsageRecorder(UsageStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** A manifest was fetched (GET, not HEAD); {@code tag} is null when fetched by digest. */
    public void pulled(RepositoryName repository, Digest digest, String tag, long bytes, String actor) {
        PullRecord pull = new PullRecord(repository, digest, tag, clock.instant());
        pulls.add(pull);
        event("pull", repository, tag != null ? tag : digest.value(), digest, bytes, actor);
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
        write(events, store::appendHistory);
    }

    /** Writes one queue's batch; a failed batch goes back to be retried by the next flush. */
    private static <T> void write(Queue<T> queue, java.util.function.Consumer<List<T>> writer) {
        List<T> batch = drain(queue);
        if (batch.isEmpty()) {
            return;
        }
        try {
            writer.accept(batch);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "writing usage failed; will retry", e);
            queue.addAll(batch);
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
