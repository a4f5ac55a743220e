package dev.berth.core.gc;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * How hard a collection removes files: at full speed on an idle registry, gently while pushes go on.
 *
 * <p>Removing files competes with pushes for the disk (an unlink waits on the filesystem's journal, which every
 * fsync of a stored blob also waits on) and for the metadata store. Measured on the benchmark machine
 * ({@code benchmarks/gc}): pushes kept about half their rate while a collection removed files on four threads
 * at full speed (3,300 to 5,800 blobs a second), and 87 to 92% of it (metadata on PostgreSQL) when it removed them
 * on one thread at about 2,500 a second. So while the registry is being written to (the link counter moved since the last
 * batch), a batch's files go on {@link #BUSY_REMOVERS} threads and the next batch waits until the run has freed no
 * more than {@code busyRate} blobs a second; when nothing is being written, four threads and no wait.
 */
public final class RemovalPace {
    /** Files removed at once on an idle registry, or always when there is no limit. */
    static final int IDLE_REMOVERS = 4;
    /**
     * Files removed at once while the registry is busy. Two, not one: once the pushes beside it went faster
     * (their links no longer wait for the chunk of the group before), one thread freed 1,652-2,110 blobs a second
     * in four benchmark runs, two freed 2,192 and 2,236, and the pushes kept the same share of their rate
     * (benchmarks/README.md, "Garbage collection").
     */
    static final int BUSY_REMOVERS = 2;
    /** Candidates a batch takes on an idle registry, or always when there is no limit. */
    static final int IDLE_BATCH = 1000;
    /**
     * Candidates a batch takes while the registry is busy: a batch is one transaction, and until it commits the
     * pages it changed are written out again by every push's commit (the embedded database's store writes each
     * commit's dirty pages), so short batches leave the pushes less to write.
     */
    static final int BUSY_BATCH = 250;

    /** Full speed always: what tests and a limit of zero get. */
    public static final RemovalPace UNLIMITED = new RemovalPace(() -> 0, 0, nanos -> { });

    private final LongSupplier writes;
    private final int busyRate;
    private final Sleeper sleeper;
    private long writesSeen;
    private boolean busy;

    /** Waits, so that a test can see the waits instead of sleeping through them. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(long nanos) throws InterruptedException;
    }

    /**
     * @param writes a counter of the registry's writes (links committed): busy while it moves
     * @param busyRate the most blobs a second a run frees while the registry is busy; zero for no limit
     */
    public RemovalPace(LongSupplier writes, int busyRate) {
        this(writes, busyRate, TimeUnit.NANOSECONDS::sleep);
    }

    RemovalPace(LongSupplier writes, int busyRate, Sleeper sleeper) {
        if (busyRate < 0) {
            throw new IllegalArgumentException("busyRate must not be negative: " + busyRate);
        }
        this.writes = writes;
        this.busyRate = busyRate;
        this.sleeper = sleeper;
        this.writesSeen = writes.getAsLong();
    }

    /**
     * How many candidates the next batch takes: fewer while the registry is busy. This is where a batch learns
     * whether it is, before it takes its candidates, so that a run's first batch, started while pushes go on, is
     * as short and as gentle as the rest (it took the idle size, learning only afterwards that it was busy).
     */
    synchronized int batchSize() {
        long now = writes.getAsLong();
        busy = busyRate > 0 && now != writesSeen;
        writesSeen = now;
        return busy ? BUSY_BATCH : IDLE_BATCH;
    }

    /** How many threads remove the batch's files: fewer while the registry is busy. */
    synchronized int removers() {
        return busy ? BUSY_REMOVERS : IDLE_REMOVERS;
    }

    /**
     * After a batch that freed {@code freed} blobs in {@code tookNanos}: while the registry is busy, waits for
     * the rest of the time that many blobs take at {@code busyRate}.
     */
    void after(long freed, long tookNanos) {
        boolean wait;
        synchronized (this) {
            wait = busy;
        }
        if (!wait || freed == 0) {
            return;
        }
        long due = TimeUnit.SECONDS.toNanos(freed) / busyRate - tookNanos;
        if (due > 0) {
            try {
                sleeper.sleep(due);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
