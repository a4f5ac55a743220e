package dev.berth.storage.upload;

import dev.berth.core.thread.NamedDaemonThreads;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The threads upload sessions hand work to: hashing that runs beside the writes, and fsyncs that run beside
 * the upload. Two pools, so that a slow disk's fsyncs never hold up hashing.
 */
final class BackgroundWork {
    private final ExecutorService hashers = Executors.newFixedThreadPool(
            Math.max(2, Runtime.getRuntime().availableProcessors() * 2), new NamedDaemonThreads("berth-hash"));
    private final ExecutorService flushers = Executors.newFixedThreadPool(2, new NamedDaemonThreads("berth-flush"));

    /** The pool that upload sessions' hash lanes run on. */
    Executor hashers() {
        return hashers;
    }

    /** Starts an fsync of the file's data; a failure is left for the commit's own fsync to report. */
    Future<?> flush(FileChannel file) {
        return flushers.submit(() -> {
            try {
                file.force(false);
            } catch (IOException ignored) {
                // closed or failing: the commit forces the file again and reports what goes wrong
            }
        });
    }

    /** Waits for the work; its failure becomes an IOException. */
    static void await(Future<?> work) throws IOException {
        try {
            work.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for background work");
        } catch (ExecutionException e) {
            throw new IOException("background work failed", e.getCause());
        }
    }

    /** Waits for the work, whatever its outcome; null is no work. */
    static void awaitQuietly(Future<?> work) {
        if (work == null) {
            return;
        }
        try {
            work.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException ignored) {
            // the caller only needs the work to be over
        }
    }

    void shutdown() {
        hashers.shutdown();
        flushers.shutdown();
    }
}
