package dev.berth.management.user;

import dev.berth.core.error.RegistryException;
import dev.berth.core.user.UserService;
import dev.berth.management.json.GroupRequest;
import dev.berth.management.json.GroupResultView;
import dev.berth.management.route.Call;
import dev.berth.management.route.Operation;
import dev.berth.management.route.Reply;

import java.util.ArrayList;
import java.util.List;

/** Deletes several users: {@code POST /api/v1/users/delete} with {@code {"ids": [...]}}; 200 with what was deleted and what failed. */
final class DeleteUsersHandler implements Operation {
    private final UserService users;

    DeleteUsersHandler(UserService users) {
        this.users = users;
    }

    @Override
    public Reply handle(Call call) {
        GroupRequest request = GroupRequest.parse(call.body(), "ids");
        List<String> deleted = new ArrayList<>();
        List<GroupResultView.Failure> failed = new ArrayList<>();
        for (String id : request.items()) {
            try {
                users.delete(id);
                deleted.add(id);
            } catch (RegistryException e) {
                failed.add(new GroupResultView.Failure(id, e.getMessage()));
            }
        }
        return Reply.ok(new GroupResultView(deleted, failed));
    }
}
