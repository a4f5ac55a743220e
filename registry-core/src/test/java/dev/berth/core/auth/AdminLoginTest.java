package dev.berth.core.auth;

import dev.berth.core.error.RegistryException;
import dev.berth.core.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AdminLoginTest {
    private final MutableClock clock = MutableClock.atSomeDay();
    private final RecordedLogins events = new RecordedLogins();
    private final FailedLogins failures = new FailedLogins(new LoginThrottle(10, Duration.ofMinutes(1), 100, clock),
            new LoginThrottle(20, Duration.ofSeconds(10), 100, clock), events);
    private final SlowHashExecutor hashes = new SlowHashExecutor(1, 0);

    @AfterEach
    void stop() {
        hashes.close();
    }

    /** The admin token is "right"; each hash counts itself, says it started, and waits for {@link #release}. */
    private static final class HeldVerifier implements AdminTokenVerifier {
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger hashed = new AtomicInteger();

        @Override
        public boolean matches(String token) {
            hashed.incrementAndGet();
            started.countDown();
            awaitQuietly(release);
            return token.equals("right");
        }
    }

    @Test
    void refusesACheckAtOnceWhileTheHashPoolIsFull() throws Exception {
        HeldVerifier verifier = new HeldVerifier();
        AdminLogin login = new AdminLogin(verifier, failures, hashes);
        CompletableFuture<Boolean> first = checkHeldInItsHash(login, verifier);

        assertThatThrownBy(() -> login.check("wrong", "management", "192.0.2.2", null))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.retryAfterSeconds()).isEqualTo(1));

        verifier.release.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(events.events).containsExactly("throttled management busy");
    }

    @Test
    void checksOfATokenBeingHashedWaitForThatHashAndTakeNoRoomOnThePool() throws Exception {
        HeldVerifier verifier = new HeldVerifier();
        AdminLogin login = new AdminLogin(verifier, failures, hashes);
        CompletableFuture<Boolean> first = checkHeldInItsHash(login, verifier);
        List<Thread> waiting = new CopyOnWriteArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(4, task -> {
            Thread thread = new Thread(task);
            waiting.add(thread);
            return thread;
        });
        try {
            List<Future<Boolean>> rights = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                String address = "192.0.2." + (10 + i);
                rights.add(clients.submit(() -> login.check("right", "v2", address, "admin")));
            }
            // The pool (one thread, no queue) is taken by the first check: without waiting for it, these would be 429.
            awaitAllWaiting(waiting, 3);

            verifier.release.countDown();

            assertThat(first.get(10, TimeUnit.SECONDS)).isTrue();
            for (Future<Boolean> right : rights) {
                assertThat(right.get(10, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(verifier.hashed).as("one hash for the four checks").hasValue(1);
            assertThat(events.events).isEmpty();
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void hashesATokenOnceItIsVerifiedAndCountsWrongAndEmptyOnes() {
        int[] hashed = new int[1];
        AdminLogin login = new AdminLogin(token -> {
            hashed[0]++;
            return token.equals("right");
        }, failures, hashes);

        assertThat(login.check("right", "management", "192.0.2.1", null)).isTrue();
        assertThat(login.check("right", "management", "192.0.2.1", null)).isTrue();
        assertThat(login.check("wrong", "management", "192.0.2.1", null)).isFalse();
        assertThat(login.check("", "management", "192.0.2.1", null)).isFalse();

        assertThat(hashed[0]).isEqualTo(2);
        assertThat(events.events).containsExactly("failed management wrong_admin_token", "failed management malformed");
    }

    /** Starts a check of the right token and returns once its hash has started (and is held by {@code verifier}). */
    private static CompletableFuture<Boolean> checkHeldInItsHash(AdminLogin login, HeldVerifier verifier)
            throws InterruptedException {
        CompletableFuture<Boolean> check = CompletableFuture.supplyAsync(() -> login.check("right", "v2", "192.0.2.1", "admin"));
        assertThat(verifier.started.await(10, TimeUnit.SECONDS)).isTrue();
        return check;
    }

    /** Until {@code count} of the threads are parked (waiting for another check's hash). */
    private static void awaitAllWaiting(List<Thread> threads, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (threads.size() < count || threads.stream().filter(t -> t.getState() == Thread.State.WAITING).count() < count) {
            assertThat(System.nanoTime()).as("threads parked in time").isLessThan(deadline);
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
