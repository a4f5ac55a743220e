package dev.berth.management.user;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.berth.core.user.CreatedUser;
import dev.berth.core.user.Permission;
import dev.berth.core.user.User;
import dev.berth.core.user.UserStatus;
import dev.berth.management.json.Timestamps;

import java.time.Instant;
import java.util.List;

/**
 * The user object of the contract.
 *
 * @param status {@code disabled} when disabled, else {@code expired} once {@code expires_at} has passed, else
 *        {@code enabled}
 * @param expiresAt null when it never expires ({@code duration_days} -1)
 * @param secret the secret in clear, present only in the answers to creation and refresh; omitted otherwise
 */
record UserView(String id, String name, String description, String status, int durationDays, String expiresAt,
                String createdAt, String updatedAt, List<PermissionView> permissions,
                @JsonInclude(JsonInclude.Include.NON_NULL) String secret) {

    /** One permission: {@code {"registry", "access": "pull"|"push"}}. */
    record PermissionView(String registry, String access) {
        static PermissionView of(Permission permission) {
            return new PermissionView(permission.registry(), permission.access().wireName());
        }
    }

    UserView {
        permissions = List.copyOf(permissions);
    }

    static UserView of(User user, Instant now) {
        return of(user, null, now);
    }

    static UserView withSecret(CreatedUser created, Instant now) {
        return of(created.user(), created.secret(), now);
    }

    static String status(User user, Instant now) {
        return UserStatus.of(user, now).wireName();
    }

    private static UserView of(User user, String secret, Instant now) {
        return new UserView(user.id(), user.name(), user.description(), status(user, now), user.durationDays(),
                Timestamps.format(user.expiresAt()), Timestamps.format(user.createdAt()), Timestamps.format(user.updatedAt()),
                user.permissions().stream().map(PermissionView::of).toList(), secret);
    }
}
