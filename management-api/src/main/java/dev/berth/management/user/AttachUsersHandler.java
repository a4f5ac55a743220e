package dev.berth.management.user;

import dev.berth.core.error.RegistryException;
import dev.berth.core.user.Grant;
import dev.berth.core.user.UserService;
import dev.berth.management.json.GroupRequest;
import dev.berth.management.json.JsonBody;
import dev.berth.management.route.Call;
import dev.berth.management.route.Operation;
import dev.berth.management.route.Reply;

import java.util.List;
import java.util.Set;

/**
 * Attaches several users to a registry at once: {@code POST /api/v1/registries/{registry}/users/attach} with
 * {@code {"users": [{"id", "access"}]}}; 200 with the users attached and those that failed. The body is
 * checked whole before any user is attached: one bad access level refuses the call.
 */
final class AttachUsersHandler implements Operation {
    private static final String FIELD = "users";

    private final UserService users;

    AttachUsersHandler(UserService users) {
        this.users = users;
    }

    @Override
    public Reply handle(Call call) {
        List<JsonBody> items = JsonBody.parse(call.body(), Set.of(FIELD)).objects(FIELD, Set.of("id", "access"));
        if (items == null) {
            throw JsonBody.missing(FIELD);
        }
        if (items.size() > GroupRequest.MAX_ITEMS) {
            throw RegistryException.invalid("TOO_MANY_ITEMS", FIELD + " holds at most " + GroupRequest.MAX_ITEMS + " items");
        }
        List<Grant> grants = items.stream().map(item -> {
            String id = item.string("id");
            if (id == null) {
                throw JsonBody.missing("id");
            }
            return new Grant(id, PermissionInput.access(item));
        }).toList();
        return Reply.ok(UserGroupResultView.of("attached", users.attachAll(call.param("registry"), grants)));
    }
}
