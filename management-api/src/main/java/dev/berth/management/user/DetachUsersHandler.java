package dev.berth.management.user;

import dev.berth.core.user.UserService;
import dev.berth.management.json.GroupRequest;
import dev.berth.management.route.Call;
import dev.berth.management.route.Operation;
import dev.berth.management.route.Reply;

/**
 * Detaches several users from a registry at once: {@code POST /api/v1/registries/{registry}/users/detach} with
 * {@code {"ids": [...]}}; 200 with the users detached and those that failed (unknown, or with no permission there).
 */
final class DetachUsersHandler implements Operation {
    private final UserService users;

    DetachUsersHandler(UserService users) {
        this.users = users;
    }

    @Override
    public Reply handle(Call call) {
        GroupRequest request = GroupRequest.parse(call.body(), "ids");
        return Reply.ok(UserGroupResultView.of("detached", users.detachAll(call.param("registry"), request.items())));
    }
}
