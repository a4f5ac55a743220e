package dev.berth.core.usage;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Keeps the registries' history to a window: events older than the retention are deleted, oldest first, in
 * batches of {@value #BATCH} that each commit on their own, so that the writer of new events
 * ({@link UsageRecorder}) waits for one small batch at most, never for the whole prune. Pull counters are not
 * history and are never pruned.
 */
public final class HistoryRetention {
    private static final System.Logger LOG = System.getLogger(HistoryRetention.class.getName());
    static final int BATCH = 1_000;

    private final UsageStore store;
    private final Duration retention;
    private final Clock clock;

    /** @param retention how long an event is kept; positive */
    public HistoryRetention(UsageStore store, Duration retention, Clock clock) {
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("the retention must be positive: " + retention);
        }
        this.store = store;
        this.retention = retention;
        this.clock = clock;
    }

    /** Deletes every event older than the retention, batch by batch; returns how many. */
    public long prune() {
        // One cut-off for the whole run: events that age past it meanwhile wait for the next run.
        Instant before = clock.instant().minus(retention);
        long pruned = 0;
        int batch;
        do {
            batch = store.pruneHistory(before, BATCH);
            pruned += batch;
        } while (batch == BATCH && !Thread.currentThread().isInterrupted());
        if (pruned > 0) {
            LOG.log(System.Logger.Level.INFO, "pruned " + pruned + " history event(s) older than " + before);
        }
        return pruned;
    }
}
