package dev.berth.core.auth;

import dev.berth.core.thread.NamedDaemonThreads;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs slow credential hashes (Argon2id) on a few threads of their own with a short queue, so that a flood
 * of logins to check costs at most {@code threads} cores, and holds at most {@code threads + queue} request
 * threads waiting: a check that finds the queue full is refused at once ({@link Saturated}) rather than
 * queued behind the flood.
 */
public final class SlowHashExecutor implements AutoCloseable {
    private final ThreadPoolExecutor pool;
    /**
     * Admission: one permit per thread and queue slot. Counting here rather than bounding the pool's queue
     * keeps the bound exact: a pool refuses work in the instant between a thread's finishing a task and its
     * asking for the next.
     */
    private final Semaphore room;

    /** No room for another check; the caller answers 429 at once. */
    public static final class Saturated extends RuntimeException {
        Saturated() {
            super("the credential checks are saturated", null, false, false);
        }
    }

    public SlowHashExecutor(int threads, int queue) {
        if (threads < 1 || queue < 0) {
            throw new IllegalArgumentException("a slow hash pool needs a thread and a queue of zero or more");
        }
        this.room = new Semaphore(threads + queue);
        this.pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                new NamedDaemonThreads("berth-slow-hash"));
        pool.allowCoreThreadTimeOut(true);
    }

    /** Runs the check on the pool and waits for its answer; {@link Saturated} when the pool has no room. */
    public boolean run(Callable<Boolean> check) {
        if (!room.tryAcquire()) {
            throw new Saturated();
        }
        Future<Boolean> answer;
        try {
            answer = pool.submit(() -> {
                try {
                    return check.call();
                } finally {
                    room.release();
                }
            });
        } catch (RuntimeException e) {
            room.release();
            throw e;
        }
        try {
            return answer.get();
        } catch (InterruptedException e) {
            // Not cancelled: a queued check that never ran would keep its permit. It runs and is dropped.
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while a credential was checked", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a credential check failed", e.getCause());
        }
    }

    /** Checks waiting for a thread (for tests of the bound). */
    int queued() {
        return pool.getQueue().size();
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
