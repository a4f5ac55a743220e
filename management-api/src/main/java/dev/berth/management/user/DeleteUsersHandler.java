package dev.berth.management.user;

import dev.berth.core.user.UserService;
import dev.berth.management.json.GroupRequest;
import dev.berth.management.json.GroupResultView;
import dev.berth.management.route.Call;
import dev.berth.management.route.Operation;
import dev.berth.management.route.Reply;

/** Deletes several users: {@code POST /api/v1/users/delete} with {@code {"ids": [...]}}; 200 with what was deleted and what failed. */
final class DeleteUsersHandler implements Operation {
    private final UserService users;

    DeleteUsersHandler(UserService users) {
        this.users = users;
    }

    @Override
    public Reply handle(Call call) {
        GroupRequest request = GroupRequest.parse(call.body(), "ids");
        return Reply.ok(GroupResultView.of(users.deleteAll(request.items())));
    }
}
