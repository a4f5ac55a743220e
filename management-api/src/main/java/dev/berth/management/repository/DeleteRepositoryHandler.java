package dev.berth.management.repository;

import dev.berth.core.auth.Principal;
import dev.berth.core.catalog.CatalogService;
import dev.berth.management.route.Call;
import dev.berth.management.route.Operation;
import dev.berth.management.route.Reply;

/** Deletes a repository with its artifacts and tags: {@code DELETE .../repositories/{repository}}, 204. */
final class DeleteRepositoryHandler implements Operation {
    private final CatalogService catalog;

    DeleteRepositoryHandler(CatalogService catalog) {
        this.catalog = catalog;
    }

    @Override
    public Reply handle(Call call) {
        catalog.deleteRepository(call.param("registry"), call.param("repository"), Principal.ADMIN);
        return Reply.noContent();
    }
}
