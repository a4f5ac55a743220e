package dev.berth.management.user;

import dev.berth.core.user.UserService;
import dev.berth.management.route.Call;
import dev.berth.management.route.Operation;
import dev.berth.management.route.Reply;

import java.time.Clock;

/** Creates a user: {@code POST /api/v1/users}, 201 with the user and, this once, its secret. */
final class CreateUserHandler implements Operation {
    private final UserService users;
    private final Clock clock;

    CreateUserHandler(UserService users, Clock clock) {
        this.users = users;
        this.clock = clock;
    }

    @Override
    public Reply handle(Call call) {
        CreateUserRequest request = CreateUserRequest.parse(call.body());
        return Reply.created(UserView.withSecret(
                users.create(request.name(), request.description(), request.durationDays(), request.expiresAt(),
                        request.permissions()),
                clock.instant()));
    }
}
