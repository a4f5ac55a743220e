package dev.berth.core.usage;

import java.time.Instant;

/**
 * A running count of pulls and the latest of their times. Not thread-safe: the recorder changes a tally only
 * inside its map's atomic {@code compute}; a store sums a batch on one thread.
 */
public final class PullTally {
    private long count;
    private Instant latest;

    /** Adds {@code pulls} pulls, the latest of them at {@code at}; returns this tally. */
    public PullTally add(long pulls, Instant at) {
        count += pulls;
        if (latest == null || at.isAfter(latest)) {
            latest = at;
        }
        return this;
    }

    public long count() {
        return count;
    }

    /** The latest pull's time; null while nothing was added. */
    public Instant latest() {
        return latest;
    }
}
