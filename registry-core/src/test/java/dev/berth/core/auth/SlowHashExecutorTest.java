package dev.berth.core.auth;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SlowHashExecutorTest {
    private final SlowHashExecutor hashes = new SlowHashExecutor(2, 3);
    private final ExecutorService callers = Executors.newFixedThreadPool(5);

    @AfterEach
    void stop() {
        callers.shutdownNow();
        hashes.close();
    }

    @Test
    void answersWithTheCheck() {
        assertThat(hashes.run(() -> true)).isTrue();
        assertThat(hashes.run(() -> false)).isFalse();
    }

    @Test
    void aFloodRunsNoMoreChecksAtOnceThanItsThreadsAndRefusesWhatItCannotQueue() throws Exception {
        CountDownLatch running = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        List<CompletableFuture<Boolean>> waiting = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            waiting.add(CompletableFuture.supplyAsync(() -> hashes.run(() -> {
                mostAtOnce.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
                running.countDown();
                release.await();
                concurrent.decrementAndGet();
                return true;
            }), callers));
        }
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
        // Two checks run and three wait in the queue: whichever callers submitted them, the pool is full.
        awaitQueued(3);

        assertThatThrownBy(() -> hashes.run(() -> true)).isInstanceOf(SlowHashExecutor.Saturated.class);

        release.countDown();
        for (CompletableFuture<Boolean> check : waiting) {
            assertThat(check.get(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(mostAtOnce).hasValue(2);
    }

    /** Waits (bounded) until the pool's queue holds {@code n} checks; the submitting threads race to get there. */
    private void awaitQueued(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (hashes.queued() < n && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(hashes.queued()).isEqualTo(n);
    }
}
