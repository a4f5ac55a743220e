package dev.berth.management.artifact;

import dev.berth.core.auth.Principal;
import dev.berth.core.catalog.CatalogService;
import dev.berth.management.json.GroupRequest;
import dev.berth.management.json.GroupResultView;
import dev.berth.management.route.Call;
import dev.berth.management.route.Operation;
import dev.berth.management.route.Reply;

/**
 * Deletes several artifacts of a repository: {@code POST .../repositories/{repository}/artifacts/delete} with
 * {@code {"digests": [...]}}; 200 with what was deleted and what failed.
 */
final class DeleteArtifactsHandler implements Operation {
    private final CatalogService catalog;

    DeleteArtifactsHandler(CatalogService catalog) {
        this.catalog = catalog;
    }

    @Override
    public Reply handle(Call call) {
        GroupRequest request = GroupRequest.parse(call.body(), "digests");
        return Reply.ok(GroupResultView.of(catalog.deleteArtifacts(call.param("registry"), call.param("repository"),
                request.items(), Principal.ADMIN)));
    }
}
