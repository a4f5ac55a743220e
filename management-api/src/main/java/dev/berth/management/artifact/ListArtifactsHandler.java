package dev.berth.management.artifact;

import dev.berth.core.catalog.CatalogService;
import dev.berth.management.json.ListView;
import dev.berth.management.route.Call;
import dev.berth.management.route.Operation;
import dev.berth.management.route.Reply;

/**
 * Lists a repository's artifacts, newest push first: {@code GET .../repositories/{repository}/artifacts?name=&tag=&page=&size=};
 * with {@code tag}, only the artifact that tag points at; with {@code name}, those with it in a tag or in the
 * digest, ignoring case (the page's name filter).
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
