package dev.berth.core.user;

import dev.berth.core.error.RegistryException;

import java.time.Duration;
import java.time.Instant;

/**
 * When a user stops working, as the API takes it: a number of days from now, an exact instant, or never.
 * Creation and renewal both go through {@link #of}, so that the two agree on the rules.
 *
 * @param durationDays -1 for never; for an exact instant, the whole days from now to it, rounded up
 * @param expiresAt null for never
 */
record Expiry(int durationDays, Instant expiresAt) {
    static final int MAX_DAYS = 36_500;
    private static final Expiry NEVER = new Expiry(-1, null);

    /**
     * The expiry given {@code durationDays} or {@code expiresAt} (not both), or {@code unset} when neither is
     * given.
     */
    static Expiry of(Instant now, Integer durationDays, Instant expiresAt, Expiry unset) {
        if (durationDays != null && expiresAt != null) {
            throw RegistryException.invalid("CONFLICTING_FIELDS", "give duration_days or expires_at, not both");
        }
        if (durationDays != null) {
            return days(now, durationDays);
        }
        return expiresAt != null ? until(now, expiresAt) : unset;
    }

    static Expiry never() {
        return NEVER;
    }

    private static Expiry days(Instant now, int days) {
        if (days == -1) {
            return NEVER;
        }
        if (days < 1 || days > MAX_DAYS) {
            throw RegistryException.invalid("INVALID_DURATION", "duration_days is -1 (never expires) or 1 to " + MAX_DAYS);
        }
        return new Expiry(days, now.plus(Duration.ofDays(days)));
    }

    /** An instant already past is kept (renewing a user to a past instant expires it); its days are 0. */
    private static Expiry until(Instant now, Instant at) {
        Duration left = Duration.between(now, at);
        if (left.isNegative() || left.isZero()) {
            return new Expiry(0, at);
        }
        long days = left.toDays() + (left.equals(Duration.ofDays(left.toDays())) ? 0 : 1);
        if (days > MAX_DAYS) {
            throw RegistryException.invalid("INVALID_EXPIRY", "expires_at is at most " + MAX_DAYS + " days away");
        }
        return new Expiry((int) days, at);
    }

    boolean hasPassed(Instant now) {
        return expiresAt != null && !expiresAt.isAfter(now);
    }
}
