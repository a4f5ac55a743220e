package dev.berth.management.user;

import dev.berth.core.user.UserService;
import dev.berth.management.route.Call;
import dev.berth.management.route.Operation;
import dev.berth.management.route.Reply;

/** Removes a user's permission on a registry: {@code DELETE /api/v1/registries/{registry}/users/{id}}, 204; 404 when it had none. */
final class DetachUserHandler implements Operation {
    private final UserService users;

    DetachUserHandler(UserService users) {
        this.users = users;
    }

    @Override
    public Reply handle(Call call) {
        users.detach(call.param("registry"), call.param("id"));
        return Reply.noContent();
    }
}
