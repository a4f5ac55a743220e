package dev.berth.management.user;

import dev.berth.core.user.UserService;
import dev.berth.management.route.Call;
import dev.berth.management.route.Operation;
import dev.berth.management.route.Reply;

import java.time.Clock;
import java.util.Set;

/** Enables a disabled user: {@code POST /api/v1/users/{id}/enable}; takes no body. */
final class EnableUserHandler implements Operation {
    private final UserService users;
    private final Clock clock;

    EnableUserHandler(UserService users, Clock clock) {
        this.users = users;
        this.clock = clock;
    }

    @Override
    public Reply handle(Call call) {
        call.optionalJson(Set.of());
        return Reply.ok(UserView.of(users.setEnabled(call.param("id"), true), clock.instant()));
    }
}
