package dev.berth.management.artifact;

import dev.berth.core.catalog.CatalogService;
import dev.berth.management.route.Route;
import io.netty.handler.codec.http.HttpMethod;

import java.util.List;

/** The artifact and tag calls of the contract and their operations. */
public final class ArtifactRoutes {
    private static final String BASE = "/api/v1/registries/{registry}/repositories/{repository+}/artifacts";

    private ArtifactRoutes() {
    }

    public static List<Route> of(CatalogService catalog) {
        return List.of(
                Route.of(HttpMethod.GET, BASE, new ListArtifactsHandler(catalog)),
                Route.of(HttpMethod.POST, BASE + "/delete", new DeleteArtifactsHandler(catalog)),
                Route.of(HttpMethod.DELETE, BASE + "/{digest}", new DeleteArtifactHandler(catalog)),
                Route.of(HttpMethod.DELETE, BASE + "/{digest}/tags/{tag}", new DeleteTagHandler(catalog)));
    }
}
