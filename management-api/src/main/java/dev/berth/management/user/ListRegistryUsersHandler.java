package dev.berth.management.user;

import dev.berth.core.user.UserService;
import dev.berth.management.json.ListView;
import dev.berth.management.route.Call;
import dev.berth.management.route.Operation;
import dev.berth.management.route.Reply;

import java.time.Clock;

/** Lists the users with a permission on a registry: {@code GET /api/v1/registries/{registry}/users?name=&page=&size=}. */
final class ListRegistryUsersHandler implements Operation {
    private final UserService users;
    private final Clock clock;

    ListRegistryUsersHandler(UserService users, Clock clock) {
        this.users = users;
        this.clock = clock;
    }

    @Override
    public Reply handle(Call call) {
        return Reply.ok(ListView.of(users.usersOf(call.param("registry"), call.page()), user -> UserView.of(user, clock.instant())));
    }
}
