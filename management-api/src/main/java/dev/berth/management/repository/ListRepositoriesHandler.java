package dev.berth.management.repository;

import dev.berth.core.catalog.CatalogService;
import dev.berth.management.json.ListView;
import dev.berth.management.route.Call;
import dev.berth.management.route.Operation;
import dev.berth.management.route.Reply;

/** Lists a registry's repositories: {@code GET /api/v1/registries/{registry}/repositories?name=&page=&size=}. */
final class ListRepositoriesHandler implements Operation {
    private final CatalogService catalog;

    ListRepositoriesHandler(CatalogService catalog) {
        this.catalog = catalog;
    }

    @Override
    public Reply handle(Call call) {
        String registry = call.param("registry");
        return Reply.ok(ListView.of(catalog.repositories(registry, call.page()), r -> RepositoryView.of(registry, r)));
    }
}
