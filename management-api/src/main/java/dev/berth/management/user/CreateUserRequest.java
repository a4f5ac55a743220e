package dev.berth.management.user;

import dev.berth.core.error.RegistryException;
import dev.berth.core.user.Permission;
import dev.berth.management.json.JsonBody;
import dev.berth.management.json.Timestamps;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * The body of {@code POST /users}: {@code name}, optional {@code description}, {@code duration_days} (-1 for
 * no expiry) or {@code expires_at} (neither: no expiry) and optional {@code permissions}. Name and expiry
 * rules are the user service's (422).
 */
record CreateUserRequest(String name, String description, Integer durationDays, Instant expiresAt,
                         List<Permission> permissions) {
    static final int MAX_DESCRIPTION = 1024;
    private static final Set<String> FIELDS = Set.of("name", "description", "duration_days", "expires_at",
            PermissionInput.FIELD);

    CreateUserRequest {
        permissions = permissions == null ? List.of() : List.copyOf(permissions);
    }

    static CreateUserRequest parse(byte[] body) {
        JsonBody json = JsonBody.parse(body, FIELDS);
        String name = json.string("name");
        if (name == null) {
            throw JsonBody.missing("name");
        }
        return new CreateUserRequest(name, description(json), durationDays(json), expiresAt(json), PermissionInput.from(json));
    }

    /** The description, "" for an explicit null; null when absent. */
    static String description(JsonBody json) {
        if (json.isNull("description")) {
            return "";
        }
        String description = json.string("description");
        if (description != null && description.length() > MAX_DESCRIPTION) {
            throw RegistryException.invalid("INVALID_DESCRIPTION", "description is at most " + MAX_DESCRIPTION + " characters");
        }
        return description;
    }

    /** {@code expires_at} as an instant; null when absent. */
    static Instant expiresAt(JsonBody json) {
        String value = json.string("expires_at");
        if (value == null) {
            return null;
        }
        Instant instant = Timestamps.parse(value);
        if (instant == null) {
            throw RegistryException.invalid("INVALID_EXPIRY", "expires_at is an RFC 3339 date-time such as 2026-05-30T22:00:00Z");
        }
        return instant;
    }

    /** {@code duration_days} as an int; values beyond an int are out of any valid range (422). */
    static Integer durationDays(JsonBody json) {
        Long days = json.integer("duration_days");
        if (days == null) {
            return null;
        }
        if (days < Integer.MIN_VALUE || days > Integer.MAX_VALUE) {
            throw RegistryException.invalid("INVALID_DURATION", "duration_days is -1 (never expires) or a number of days");
        }
        return days.intValue();
    }
}
