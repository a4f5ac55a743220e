package dev.berth.management.user;

import dev.berth.core.user.Access;
import dev.berth.core.user.UserService;
import dev.berth.management.route.Call;
import dev.berth.management.route.Operation;
import dev.berth.management.route.Reply;

import java.time.Clock;
import java.util.Set;

/** Gives a user access to a registry, replacing what it had there: {@code PUT /api/v1/registries/{registry}/users/{id}} with {@code {"access"}}; 200 with the user. */
final class AttachUserHandler implements Operation {
    private final UserService users;
    private final Clock clock;

    AttachUserHandler(UserService users, Clock clock) {
        this.users = users;
        this.clock = clock;
    }

    @Override
    public Reply handle(Call call) {
        Access access = PermissionInput.access(call.json(Set.of("access")));
        return Reply.ok(UserView.of(users.attach(call.param("registry"), call.param("id"), access), clock.instant()));
    }
}
