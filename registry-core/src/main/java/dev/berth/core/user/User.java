package dev.berth.core.user;

import java.time.Instant;
import java.util.List;

/**
 * A repository user: a robot credential for {@code docker login}.
 *
 * @param durationDays the lifetime it was given, -1 for no expiry
 * @param expiresAt null when it never expires
 * @param secretHash the salted hash of its secret ({@link dev.berth.core.auth.SecretHasher}); never the secret
 */
public record User(String id, String name, String description, boolean enabled, int durationDays, Instant expiresAt,
                   Instant createdAt, Instant updatedAt, List<Permission> permissions, String secretHash) {
    public User {
        permissions = List.copyOf(permissions);
        description = description == null ? "" : description;
    }

    public boolean expired(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    /** The access this user has on a registry, or null. */
    public Access accessTo(String registry) {
        for (Permission permission : permissions) {
            if (permission.registry().equals(registry)) {
                return permission.access();
            }
        }
        return null;
    }
}
