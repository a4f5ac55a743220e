package dev.berth.storage.meta;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two transactions forced into one order with latches, no sleeps: the first runs on a thread of its own until it
 * reaches its hold point ({@link #hold}, called from a store hook or a callback the test passes in), the second
 * is started and must be seen waiting or finished, as the test expects, while the first is held; then the first
 * is let go.
 */
final class Interleaving {
    /** Tells whether a thread's transaction is waiting for a lock that another holds. */
    @FunctionalInterface
    interface LockWait {
        boolean waits(Thread thread) throws Exception;
    }

    /**
     * H2's lock waits park the waiting thread in the JVM; a PostgreSQL client thread waits in a socket read, which
     * the server's {@code pg_locks} shows instead ({@link TestEngine#lockWait}).
     */
    static final LockWait PARKED_THREAD = thread -> thread.getState() != Thread.State.RUNNABLE;

    private final LockWait lockWait;
    private final CountDownLatch holding = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private volatile Thread holder;
    private FutureTask<?> first;
    private FutureTask<?> second;

    /** @param lockWait how to see that the second transaction waits for the first's lock, on this engine */
    Interleaving(LockWait lockWait) {
        this.lockWait = lockWait;
    }

    /**
     * Parks the first transaction's thread the first time it calls this, until the second has been started;
     * a no-op on any other thread, or once held.
     */
    void hold() {
        if (Thread.currentThread() == holder && holding.getCount() > 0) {
            holding.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Starts the first transaction and waits until it is held. */
    Interleaving first(Callable<?> work) throws InterruptedException {
        first = new FutureTask<>(work);
        Thread thread = new Thread(first, "first");
        holder = thread;
        thread.start();
        assertThat(holding.await(10, TimeUnit.SECONDS)).as("the first transaction reached its hold point").isTrue();
        return this;
    }

    /** Starts the second transaction, checks that it waits behind the first, and lets the first go. */
    Interleaving thenBlocked(Callable<?> work) throws Exception {
        second = new FutureTask<>(work);
        Thread thread = new Thread(second, "second");
        thread.start();
        awaitBlocked(thread);
        assertThat(second.isDone()).as("the second transaction waits while the first is held").isFalse();
        release.countDown();
        return this;
    }

    /** Runs the second transaction to its end while the first is held (it must not wait), then lets the first go. */
    Interleaving thenUnblocked(Callable<?> work) throws Exception {
        second = new FutureTask<>(work);
        second.run();
        release.countDown();
        return this;
    }

    /** Waits until the thread waits for a lock, or ends; an end means it did not wait, which the caller sees. */
    private void awaitBlocked(Thread thread) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (thread.isAlive() && !lockWait.waits(thread) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(!thread.isAlive() || lockWait.waits(thread)).as("the second transaction is blocked").isTrue();
    }

    @SuppressWarnings("unchecked")
    <T> T firstResult() throws InterruptedException, ExecutionException, TimeoutException {
        return (T) first.get(30, TimeUnit.SECONDS);
    }

    @SuppressWarnings("unchecked")
    <T> T secondResult() throws InterruptedException, ExecutionException, TimeoutException {
        return (T) second.get(30, TimeUnit.SECONDS);
    }
}
