package dev.berth.core.user;

import dev.berth.core.error.RegistryException;

import java.time.Instant;
import java.util.Locale;

/**
 * Whether a user can log in at a given time: {@code DISABLED} when switched off, else {@code EXPIRED} once
 * its expiry has passed, else {@code ENABLED}. Not stored: derived from {@code enabled} and {@code expires_at}.
 */
public enum UserStatus {
    ENABLED, DISABLED, EXPIRED;

    /** The user's status at {@code now}. */
    public static UserStatus of(User user, Instant now) {
        if (!user.enabled()) {
            return DISABLED;
        }
        return user.expired(now) ? EXPIRED : ENABLED;
    }

    /** The status a client names ({@code enabled}, {@code disabled}, {@code expired}); {@code INVALID_PARAMETER} else. */
    public static UserStatus parse(String value) {
        for (UserStatus status : values()) {
            if (status.wireName().equals(value)) {
                return status;
            }
        }
        throw RegistryException.malformed("INVALID_PARAMETER",
                "status is enabled, disabled or expired, not '" + value + "'");
    }

    /** The name on the wire: lower case. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
