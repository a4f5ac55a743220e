package dev.berth.core.auth;

import java.time.Duration;

/**
 * A login refused without being checked, because its client or user failed too often lately or because
 * the slow hash is saturated. Each API answers it with 429 and {@code Retry-After}.
 */
public final class LoginThrottledException extends RuntimeException {
    private final long retryAfterSeconds;

    /** @param why what the client is told, without the wait, which is appended */
    public LoginThrottledException(String why, Duration retryAfter) {
        this(why, wholeSeconds(retryAfter));
    }

    private LoginThrottledException(String why, long retryAfterSeconds) {
        super(why + "; retry after " + retryAfterSeconds + " s", null, false, false);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** Whole seconds to wait, rounded up and at least one, as {@code Retry-After} takes them. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    private static long wholeSeconds(Duration wait) {
        return Math.max(1, (wait.toMillis() + 999) / 1000);
    }
}
