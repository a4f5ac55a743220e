package dev.berth.management.user;

import dev.berth.core.user.UserService;
import dev.berth.management.route.Call;
import dev.berth.management.route.Operation;
import dev.berth.management.route.Reply;

import java.time.Clock;
import java.util.Set;

/** Disables a user, refused from its next request on: {@code POST /api/v1/users/{id}/disable}; takes no body. */
final class DisableUserHandler implements Operation {
    private final UserService users;
    private final Clock clock;

    DisableUserHandler(UserService users, Clock clock) {
        this.users = users;
        this.clock = clock;
    }

    @Override
    public Reply handle(Call call) {
        call.optionalJson(Set.of());
        return Reply.ok(UserView.of(users.setEnabled(call.param("id"), false), clock.instant()));
    }
}
