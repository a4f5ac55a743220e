package dev.berth.management.user;

import dev.berth.core.user.UserService;
import dev.berth.management.route.Call;
import dev.berth.management.route.Operation;
import dev.berth.management.route.Reply;

import java.time.Clock;

/** Changes a user's description or expiry: {@code PATCH /api/v1/users/{id}}; renewing an expired user makes it usable again. */
final class UpdateUserHandler implements Operation {
    private final UserService users;
    private final Clock clock;

    UpdateUserHandler(UserService users, Clock clock) {
        this.users = users;
        this.clock = clock;
    }

    @Override
    public Reply handle(Call call) {
        UpdateUserRequest request = UpdateUserRequest.parse(call.body());
        return Reply.ok(UserView.of(users.update(call.param("id"), request.description(), request.durationDays(),
                request.expiresAt()), clock.instant()));
    }
}
