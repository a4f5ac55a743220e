package dev.berth.management.artifact;

import dev.berth.core.auth.Principal;
import dev.berth.core.catalog.CatalogService;
import dev.berth.management.route.Call;
import dev.berth.management.route.Operation;
import dev.berth.management.route.Reply;

/** Deletes an artifact and all its tags: {@code DELETE .../repositories/{repository}/artifacts/{digest}}, 204. */
final class DeleteArtifactHandler implements Operation {
    private final CatalogService catalog;

    DeleteArtifactHandler(CatalogService catalog) {
        this.catalog = catalog;
    }

    @Override
    public Reply handle(Call call) {
        catalog.deleteArtifact(call.param("registry"), call.param("repository"), call.param("digest"), Principal.ADMIN);
        return Reply.noContent();
    }
}
