package dev.berth.http.server;

import dev.berth.core.gc.GarbageCollector;
import dev.berth.core.registry.RegistryService;
import dev.berth.core.thread.NamedDaemonThreads;
import dev.berth.core.usage.HistoryRetention;
import dev.berth.core.usage.UsageRecorder;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The server's periodic work beside the requests: the usage batch written every second, expired upload sessions
 * removed, the quota reservations of idle uploads given back, history past its retention pruned, and garbage
 * collections. Closing stops it; a task that is running is
 * interrupted, and only a collection is awaited (for its last batch).
 */
final class Housekeeping implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Housekeeping.class.getName());

    private final ScheduledExecutorService usageFlushes =
            Executors.newSingleThreadScheduledExecutor(new NamedDaemonThreads("berth-housekeeping"));
    /**
     * The sweeps that take the quota ledger's per-registry locks (upload expiry, idle reservations): a link
     * holds such a lock while its transaction waits for the registry's row, so they get a thread of their own
     * rather than hold up the usage flush behind it.
     */
    private final ScheduledExecutorService uploadSweeps =
            Executors.newSingleThreadScheduledExecutor(new NamedDaemonThreads("berth-upload-sweeps"));

    /**
     * History pruning, on a thread of its own: a first prune after an upgrade may delete millions of rows, in
     * batches, and must not hold up the usage flush or the upload sweeps meanwhile.
     */
    private final ScheduledExecutorService historyPrunes =
            Executors.newSingleThreadScheduledExecutor(new NamedDaemonThreads("berth-history-retention"));

    /**
     * Garbage collections, scheduled and started through the API, on a thread of their own: a run may take
     * minutes and must hold up none of the other work.
     */
    private final ScheduledExecutorService collections =
            Executors.newSingleThreadScheduledExecutor(new NamedDaemonThreads("berth-gc"));

    /** The thread that writes usage batches, for the flush a recorder starts early when pulls pile up. */
    Executor usageFlushes() {
        return usageFlushes;
    }

    /**
     * Starts the periodic work: expiry sweeps a quarter of {@code uploadExpiry} apart (1 to 15 minutes), the first
     * at once, and idle reservations released a quarter of {@code idleRelease} apart (1 second to 1 minute).
     */
    void start(RegistryService registry, UsageRecorder usage, Duration uploadExpiry, Duration idleRelease) {
        long sweepMinutes = Math.max(1, Math.min(15, uploadExpiry.toMinutes() / 4));
        uploadSweeps.scheduleWithFixedDelay(() -> expireUploads(registry), 0, sweepMinutes, TimeUnit.MINUTES);
        usageFlushes.scheduleWithFixedDelay(usage::flush, 1, 1, TimeUnit.SECONDS);
        // Often enough that a reservation outlives its idle time by a quarter at most (one minute at most).
        long releaseSeconds = Math.max(1, Math.min(60, idleRelease.toSeconds() / 4));
        uploadSweeps.scheduleWithFixedDelay(() -> releaseIdleReservations(registry, idleRelease),
                releaseSeconds, releaseSeconds, TimeUnit.SECONDS);
    }

    /**
     * Prunes history past its retention every hour, or every quarter of a retention shorter than four hours
     * (one second at least), the first time after one such interval.
     */
    void startHistoryRetention(HistoryRetention retention, Duration kept) {
        long seconds = Math.max(1, Math.min(Duration.ofHours(1).toSeconds(), kept.toSeconds() / 4));
        historyPrunes.scheduleWithFixedDelay(() -> pruneHistory(retention), seconds, seconds, TimeUnit.SECONDS);
    }

    /** The thread collections started through the API run on. */
    Executor collections() {
        return collections;
    }

    /**
     * Checks every quarter of {@code interval} (one minute at least, an hour at most), the first time a minute
     * after the start, whether a collection is due, and runs it: once per interval across the nodes that share
     * the store, whichever node comes first.
     */
    void startCollections(GarbageCollector collector, Duration interval) {
        long seconds = Math.max(60, Math.min(Duration.ofHours(1).toSeconds(), interval.toSeconds() / 4));
        collections.scheduleWithFixedDelay(() -> collect(collector, interval), 60, seconds, TimeUnit.SECONDS);
    }

    private static void collect(GarbageCollector collector, Duration interval) {
        try {
            collector.runIfDue(interval).ifPresent(run -> LOG.log(System.Logger.Level.INFO, "garbage collection "
                    + run.id() + " " + run.state().wireName() + ": " + run.blobsDeleted() + " blob(s), "
                    + run.bytesFreed() + " bytes freed"));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "scheduled garbage collection failed", e);
        }
    }

    private static void pruneHistory(HistoryRetention retention) {
        try {
            retention.prune();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "pruning history failed", e);
        }
    }

    private static void expireUploads(RegistryService registry) {
        try {
            int expired = registry.expireUploads();
            if (expired > 0) {
                LOG.log(System.Logger.Level.INFO, "removed " + expired + " expired upload session(s)");
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "upload expiry sweep failed", e);
        }
    }

    private static void releaseIdleReservations(RegistryService registry, Duration idleRelease) {
        try {
            int released = registry.releaseIdleReservations(idleRelease);
            if (released > 0) {
                LOG.log(System.Logger.Level.INFO, "released the quota reservations of " + released + " idle upload(s)");
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "releasing idle upload reservations failed", e);
        }
    }

    @Override
    public void close() {
        usageFlushes.shutdownNow();
        uploadSweeps.shutdownNow();
        historyPrunes.shutdownNow();
        collections.shutdownNow();
        try {
            // A collection stops at its next batch and records that it failed, while the storage is still open.
            collections.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
