package dev.berth.management.user;

import dev.berth.core.user.Permission;
import dev.berth.core.user.UserService;
import dev.berth.management.json.JsonBody;
import dev.berth.management.route.Call;
import dev.berth.management.route.Operation;
import dev.berth.management.route.Reply;

import java.time.Clock;
import java.util.List;
import java.util.Set;

/** Replaces a user's permissions: {@code PUT /api/v1/users/{id}/permissions} with {@code {"permissions": [...]}}. */
final class ReplacePermissionsHandler implements Operation {
    private final UserService users;
    private final Clock clock;

    ReplacePermissionsHandler(UserService users, Clock clock) {
        this.users = users;
        this.clock = clock;
    }

    @Override
    public Reply handle(Call call) {
        List<Permission> permissions = PermissionInput.from(call.json(Set.of(PermissionInput.FIELD)));
        if (permissions == null) {
            throw JsonBody.missing(PermissionInput.FIELD);
        }
        return Reply.ok(UserView.of(users.replacePermissions(call.param("id"), permissions), clock.instant()));
    }
}
