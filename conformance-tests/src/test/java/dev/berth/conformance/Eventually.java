package dev.berth.conformance;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.fail;

/**
 * Polling with a deadline instead of fixed sleeps, for what the contract lets the server write behind the request
 * ("visible through this API within 5 seconds").
 */
public final class Eventually {

    /** The contract's bound for counters, {@code pulled_at} and history. */
    public static final Duration VISIBLE_WITHIN = Duration.ofSeconds(5);

    private Eventually() {
    }

    /**
     * Calls {@code probe} until {@code condition} holds of its value, every 100 ms, for at most {@code timeout};
     * returns that value, or fails naming {@code what} and the last value seen.
     */
    public static <T> T await(String what, Duration timeout, Supplier<T> probe, Predicate<T> condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = probe.get();
        while (!condition.test(last)) {
            if (System.nanoTime() > deadline) {
                fail("not within " + timeout.toMillis() + " ms: " + what + "; last seen: " + last);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + what, e);
            }
            last = probe.get();
        }
        return last;
    }

    /** {@link #await} with the contract's 5 s bound. */
    public static <T> T await(String what, Supplier<T> probe, Predicate<T> condition) {
        return await(what, VISIBLE_WITHIN, probe, condition);
    }
}
