package dev.berth.core.auth;

import dev.berth.core.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class LoginThrottleTest {
    private final MutableClock clock = MutableClock.atSomeDay();
    private final LoginThrottle throttle = new LoginThrottle(3, Duration.ofMinutes(1), 100, clock);

    @Test
    void letsAKeyTryUntilItHasFailedTheLimit() {
        throttle.failed("a");
        throttle.failed("a");

        assertThat(throttle.retryAfter("a")).isEmpty();
        assertThat(throttle.hasFailed("a")).isTrue();
        assertThat(throttle.hasFailed("b")).isFalse();
    }

    @Test
    void refusesAKeyUntilTheWindowThatBeganAtItsFirstFailureEnds() {
        throttle.failed("a");
        clock.advance(Duration.ofSeconds(20));
        throttle.failed("a");
        throttle.failed("a");

        assertThat(throttle.retryAfter("a")).contains(Duration.ofSeconds(40));
        clock.advance(Duration.ofSeconds(39));
        assertThat(throttle.retryAfter("a")).contains(Duration.ofSeconds(1));
        clock.advance(Duration.ofSeconds(1));
        assertThat(throttle.retryAfter("a")).isEmpty();
        assertThat(throttle.hasFailed("a")).isFalse();
    }

    @Test
    void startsAFreshWindowAfterTheLastOneEnded() {
        throttle.failed("a");
        throttle.failed("a");
        clock.advance(Duration.ofMinutes(1));
        throttle.failed("a");
        throttle.failed("a");

        assertThat(throttle.retryAfter("a")).isEmpty();
        throttle.failed("a");
        assertThat(throttle.retryAfter("a")).contains(Duration.ofMinutes(1));
    }

    @Test
    void countsEachKeyOnItsOwn() {
        for (int i = 0; i < 3; i++) {
            throttle.failed("a");
        }

        assertThat(throttle.retryAfter("a")).isPresent();
        assertThat(throttle.retryAfter("b")).isEmpty();
    }

    @Test
    void remembersNoMoreKeysThanItsBound() {
        for (int i = 0; i < 10_000; i++) {
            throttle.failed("client-" + i);
        }

        assertThat(throttle.rememberedKeys()).isLessThanOrEqualTo(100);
    }

    @Test
    void forgetsAKeyOneWindowAfterItsLastFailure() {
        throttle.failed("a");
        clock.advance(Duration.ofMinutes(1));

        assertThat(throttle.rememberedKeys()).isZero();
    }
}
