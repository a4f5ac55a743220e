package dev.berth.management.artifact;

import dev.berth.core.auth.Principal;
import dev.berth.core.catalog.CatalogService;
import dev.berth.management.route.Call;
import dev.berth.management.route.Operation;
import dev.berth.management.route.Reply;

/**
 * Removes one tag of an artifact, which stays: {@code DELETE .../artifacts/{digest}/tags/{tag}}, 204; 404
 * unless the tag points at that very artifact.
 */
final class DeleteTagHandler implements Operation {
    private final CatalogService catalog;

    DeleteTagHandler(CatalogService catalog) {
        this.catalog = catalog;
    }

    @Override
    public Reply handle(Call call) {
        catalog.deleteTag(call.param("registry"), call.param("repository"), call.param("digest"), call.param("tag"),
                Principal.ADMIN);
        return Reply.noContent();
    }
}
