package dev.berth.management.repository;

import dev.berth.core.catalog.CatalogService;
import dev.berth.management.route.Call;
import dev.berth.management.route.Operation;
import dev.berth.management.route.Reply;

/** Shows one repository: {@code GET /api/v1/registries/{registry}/repositories/{repository}}. */
final class GetRepositoryHandler implements Operation {
    private final CatalogService catalog;

    GetRepositoryHandler(CatalogService catalog) {
        this.catalog = catalog;
    }

    @Override
    public Reply handle(Call call) {
        String registry = call.param("registry");
        return Reply.ok(RepositoryView.of(registry, catalog.repository(registry, call.param("repository"))));
    }
}
