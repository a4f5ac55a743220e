package dev.berth.core.auth;

import dev.berth.core.error.RegistryException;
import dev.berth.core.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

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

    @Test
    void refusesACheckAtOnceWhileTheHashPoolIsFull() throws Exception {
        CountDownLatch hashing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AdminLogin login = new AdminLogin(token -> {
            hashing.countDown();
            awaitQuietly(release);
            return token.equals("right");
        }, failures, hashes);
        CompletableFuture<Boolean> first = CompletableFuture.supplyAsync(() -> login.check("right", "v2", "192.0.2.1", "admin"));
        assertThat(hashing.await(10, TimeUnit.SECONDS)).isTrue();

        assertThatThrownBy(() -> login.check("wrong", "management", "192.0.2.2", null))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.retryAfterSeconds()).isEqualTo(1));

        release.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(events.events).containsExactly("throttled management busy");
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

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
