package dev.berth.core.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Failed logins counted per key (a client address, a user name) in fixed windows: once a key has failed
 * {@code limit} times within a window that began at its first failure, it is refused until that window
 * ends. Then it starts afresh: an attacker gets {@code limit} guesses per window, a person who mistyped a
 * few times loses nothing.
 *
 * <p>Memory is bounded whatever the callers send: at most {@code maxKeys} keys are remembered (beyond that
 * Caffeine evicts the keys least seen lately), and a key is forgotten one window after its last failure.
 */
public final class LoginThrottle {
    private final int limit;
    private final Duration window;
    private final Clock clock;
    private final Cache<String, Window> windows;

    /** The failures of one key since {@code startMillis}. */
    private record Window(long startMillis, int failures) {
    }

    public LoginThrottle(int limit, Duration window, long maxKeys, Clock clock) {
        if (limit < 1 || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("a throttle needs a positive limit and window");
        }
        this.limit = limit;
        this.window = window;
        this.clock = clock;
        this.windows = Caffeine.newBuilder()
                .maximumSize(maxKeys)
                .expireAfterWrite(window)
                // The injected clock drives expiry too, so that tests control it; maintenance runs inline
                // rather than on the common pool, so that the size bound holds when a call returns.
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .executor(Runnable::run)
                .build();
    }

    /** Counts one failure of the key. */
    public void failed(String key) {
        long now = clock.millis();
        windows.asMap().compute(key, (k, current) -> current == null || ended(current, now)
                ? new Window(now, 1)
                : new Window(current.startMillis(), current.failures() + 1));
    }

    /** How long the key must wait before it may try again; empty when it may try now. */
    public Optional<Duration> retryAfter(String key) {
        Window current = windows.getIfPresent(key);
        long now = clock.millis();
        if (current == null || ended(current, now) || current.failures() < limit) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofMillis(current.startMillis() + window.toMillis() - now));
    }

    /** True when the key has failed at least once in its current window. */
    public boolean hasFailed(String key) {
        Window current = windows.getIfPresent(key);
        return current != null && !ended(current, clock.millis());
    }

    /** How many keys are remembered now (for tests of the memory bound). */
    long rememberedKeys() {
        windows.cleanUp();
        return windows.estimatedSize();
    }

    private boolean ended(Window current, long now) {
        return now >= current.startMillis() + window.toMillis();
    }
}
