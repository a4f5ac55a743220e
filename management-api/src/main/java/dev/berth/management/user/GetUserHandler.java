package dev.berth.management.user;

import dev.berth.core.user.UserService;
import dev.berth.management.route.Call;
import dev.berth.management.route.Operation;
import dev.berth.management.route.Reply;

import java.time.Clock;

/** Shows one user: {@code GET /api/v1/users/{id}}. */
final class GetUserHandler implements Operation {
    private final UserService users;
    private final Clock clock;

    GetUserHandler(UserService users, Clock clock) {
        this.users = users;
        this.clock = clock;
    }

    @Override
    public Reply handle(Call call) {
        return Reply.ok(UserView.of(users.get(call.param("id")), clock.instant()));
    }
}
