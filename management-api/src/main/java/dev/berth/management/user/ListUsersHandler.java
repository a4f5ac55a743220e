package dev.berth.management.user;

import dev.berth.core.user.UserService;
import dev.berth.core.user.UserStatus;
import dev.berth.management.json.ListView;
import dev.berth.management.route.Call;
import dev.berth.management.route.Operation;
import dev.berth.management.route.Reply;

import java.time.Clock;

/** Lists users without their secrets: {@code GET /api/v1/users?name=&registry=&page=&size=}. */
final class ListUsersHandler implements Operation {
    private final UserService users;
    private final Clock clock;

    ListUsersHandler(UserService users, Clock clock) {
        this.users = users;
        this.clock = clock;
    }

    @Override
    public Reply handle(Call call) {
        String status = call.query("status");
        return Reply.ok(ListView.of(users.list(call.page(), call.query("registry"),
                status == null ? null : UserStatus.parse(status)), user -> UserView.of(user, clock.instant())));
    }
}
