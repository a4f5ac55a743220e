package dev.berth.management.artifact;

import dev.berth.core.catalog.CatalogService;
import dev.berth.management.json.ListView;
import dev.berth.management.route.Call;
import dev.berth.management.route.Operation;
import dev.berth.management.route.Reply;

/**
 * Lists a repository's artifacts, newest push first: {@code GET .../repositories/{repository}/artifacts?tag=&page=&size=};
 * with {@code tag}, only the artifact that tag points at.
 */
final class ListArtifactsHandler implements Operation {
    private final CatalogService catalog;

    ListArtifactsHandler(CatalogService catalog) {
        this.catalog = catalog;
    }

    @Override
    public Reply handle(Call call) {
        return Reply.ok(ListView.of(
                catalog.artifacts(call.param("registry"), call.param("repository"), call.query("tag"), call.page()),
                ArtifactView::of));
    }
}
