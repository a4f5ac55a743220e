package dev.berth.management.user;

import dev.berth.management.json.JsonBody;

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
                CreateUserRequest.expiresAt(json));
    }
}
