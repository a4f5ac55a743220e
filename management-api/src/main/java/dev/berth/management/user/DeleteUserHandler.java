package dev.berth.management.user;

import dev.berth.core.user.UserService;
import dev.berth.management.route.Call;
import dev.berth.management.route.Operation;
import dev.berth.management.route.Reply;

/** Deletes a user, refused from its next request on: {@code DELETE /api/v1/users/{id}}, 204. */
final class DeleteUserHandler implements Operation {
    private final UserService users;

    DeleteUserHandler(UserService users) {
        this.users = users;
    }

    @Override
    public Reply handle(Call call) {
        users.delete(call.param("id"));
        return Reply.noContent();
    }
}
