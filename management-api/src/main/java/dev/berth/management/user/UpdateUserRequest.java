package dev.berth.management.user;

import dev.berth.core.error.RegistryException;
import dev.berth.management.json.JsonBody;
import dev.berth.management.json.Timestamps;

import java.time.Instant;
import java.util.Set;

/**
 * The body of {@code PATCH /users/{id}}: any of {@code description} ({@code null} clears it),
 * {@code duration_days} (expiry recomputed from now) and {@code expires_at} (an exact RFC 3339 instant);
 * giving both expiry fields is the user service's 422.
 *
 * @param description null to keep it
 */
record UpdateUserRequest(String description, Integer durationDays, Instant expiresAt) {
    private static final Set<String> FIELDS = Set.of("description", "duration_days", "expires_at");

    static UpdateUserRequest parse(byte[] body) {
        JsonBody json = JsonBody.parse(body, FIELDS);
        return new UpdateUserRequest(CreateUserRequest.description(json), CreateUserRequest.durationDays(json),
                expiresAt(json));
    }

    private static Instant expiresAt(JsonBody json) {
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
}
