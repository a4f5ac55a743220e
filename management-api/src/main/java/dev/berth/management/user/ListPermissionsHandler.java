package dev.berth.management.user;

import dev.berth.core.user.Access;
import dev.berth.management.json.ListView;
import dev.berth.management.route.Call;
import dev.berth.management.route.Operation;
import dev.berth.management.route.Reply;

import java.util.Arrays;

/**
 * The catalogue of access levels a user can have on a registry: {@code GET /api/v1/permissions}, so that a
 * client offers exactly the levels the server knows (vCR's {@code GET /user/permissions}).
 */
final class ListPermissionsHandler implements Operation {
    private static final ListView<AccessView> CATALOGUE = new ListView<>(Access.values().length,
            Arrays.stream(Access.values()).map(access -> new AccessView(access.wireName(), access.description())).toList());

    /** One access level and what it allows. */
    record AccessView(String access, String description) {
    }

    @Override
    public Reply handle(Call call) {
        return Reply.ok(CATALOGUE);
    }
}
