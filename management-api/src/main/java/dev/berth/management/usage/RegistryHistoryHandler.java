package dev.berth.management.usage;

import dev.berth.core.catalog.CatalogService;
import dev.berth.management.json.ListView;
import dev.berth.management.route.Call;
import dev.berth.management.route.Operation;
import dev.berth.management.route.Reply;

/**
 * Lists a registry's events, newest first: {@code GET /api/v1/registries/{registry}/history?action=&page=&size=}.
 * Events are written behind the request, so the newest few seconds may not be listed yet.
 */
final class RegistryHistoryHandler implements Operation {
    private final CatalogService catalog;

    RegistryHistoryHandler(CatalogService catalog) {
        this.catalog = catalog;
    }

    @Override
    public Reply handle(Call call) {
        return Reply.ok(ListView.of(catalog.history(call.param("registry"), call.query("action"), call.page()),
                HistoryEventView::of));
    }
}
