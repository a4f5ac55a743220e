package dev.berth.management.repository;

import dev.berth.core.catalog.CatalogService;
import dev.berth.management.route.Route;
import io.netty.handler.codec.http.HttpMethod;

import java.util.List;

/**
 * The repository calls of the contract and their operations. {@code POST .../repositories/delete} is the
 * group action; a repository named {@code delete} is still reached by {@code GET} and {@code DELETE}.
 */
public final class RepositoryRoutes {
    private static final String BASE = "/api/v1/registries/{registry}/repositories";

    private RepositoryRoutes() {
    }

    public static List<Route> of(CatalogService catalog) {
        return List.of(
                Route.of(HttpMethod.GET, BASE, new ListRepositoriesHandler(catalog)),
                Route.of(HttpMethod.POST, BASE + "/delete", new DeleteRepositoriesHandler(catalog)),
                Route.of(HttpMethod.GET, BASE + "/{repository+}", new GetRepositoryHandler(catalog)),
                Route.of(HttpMethod.DELETE, BASE + "/{repository+}", new DeleteRepositoryHandler(catalog)));
    }
}
