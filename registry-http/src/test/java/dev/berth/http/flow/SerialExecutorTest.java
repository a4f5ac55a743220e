package dev.berth.http.flow;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class SerialExecutorTest {
    private final ExecutorService pool = Executors.newFixedThreadPool(8);

    @AfterEach
    void stopPool() {
        pool.shutdownNow();
    }

    @Test
    void runsTasksInSubmissionOrderOnAMultiThreadPool() throws Exception {
        SerialExecutor serial = new SerialExecutor(pool);
        int tasks = 10_000;
        List<Integer> order = new ArrayList<>(); // deliberately unsynchronised: the executor must order the writes
        CountDownLatch done = new CountDownLatch(tasks);

        for (int i = 0; i < tasks; i++) {
            int n = i;
            serial.execute(() -> {
                order.add(n);
                done.countDown();
            });
        }

        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            expected.add(i);
        }
        assertThat(order).isEqualTo(expected);
    }

    @Test
    void neverRunsTwoTasksOfOneExecutorAtOnce() throws Exception {
        SerialExecutor serial = new SerialExecutor(pool);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        int tasks = 2_000;
        CountDownLatch done = new CountDownLatch(tasks);
        ExecutorService submitters = Executors.newFixedThreadPool(4);
        try {
            for (int i = 0; i < tasks; i++) {
                submitters.execute(() -> serial.execute(() -> {
                    if (running.incrementAndGet() != 1) {
                        overlaps.incrementAndGet();
                    }
                    Thread.yield();
                    running.decrementAndGet();
                    done.countDown();
                }));
            }
            assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            submitters.shutdownNow();
        }

        assertThat(overlaps).hasValue(0);
    }

    @Test
    void keepsEachExecutorsOrderWhileManyShareThePool() throws Exception {
        int executors = 16;
        int tasks = 500;
        List<List<Integer>> orders = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(executors * tasks);
        List<SerialExecutor> serials = new ArrayList<>();
        for (int e = 0; e < executors; e++) {
            orders.add(Collections.synchronizedList(new ArrayList<>()));
            serials.add(new SerialExecutor(pool));
        }

        for (int i = 0; i < tasks; i++) {
            for (int e = 0; e < executors; e++) {
                int n = i;
                List<Integer> order = orders.get(e);
                serials.get(e).execute(() -> {
                    order.add(n);
                    done.countDown();
                });
            }
        }

        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        for (List<Integer> order : orders) {
            assertThat(order).hasSize(tasks).isSorted();
        }
    }

    @Test
    void goesOnAfterATaskThrows() throws Exception {
        SerialExecutor serial = new SerialExecutor(Runnable::run);
        List<String> ran = new ArrayList<>();

        try {
            serial.execute(() -> {
                throw new IllegalStateException("boom");
            });
        } catch (IllegalStateException expected) {
            // a direct executor lets it through
        }
        serial.execute(() -> ran.add("next"));

        assertThat(ran).containsExactly("next");
    }
}
