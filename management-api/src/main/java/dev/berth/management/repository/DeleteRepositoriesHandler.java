package dev.berth.management.repository;

import dev.berth.core.auth.Principal;
import dev.berth.core.catalog.CatalogService;
import dev.berth.management.json.GroupRequest;
import dev.berth.management.json.GroupResultView;
import dev.berth.management.route.Call;
import dev.berth.management.route.Operation;
import dev.berth.management.route.Reply;

/**
 * Deletes several repositories: {@code POST .../repositories/delete} with {@code {"names": [...]}}; 200 with
 * what was deleted and what failed, each failure with its reason.
 */
final class DeleteRepositoriesHandler implements Operation {
    private final CatalogService catalog;

    DeleteRepositoriesHandler(CatalogService catalog) {
        this.catalog = catalog;
    }

    @Override
    public Reply handle(Call call) {
        GroupRequest request = GroupRequest.parse(call.body(), "names");
        return Reply.ok(GroupResultView.of(catalog.deleteRepositories(call.param("registry"), request.items(), Principal.ADMIN)));
    }
}
