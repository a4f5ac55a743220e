package dev.berth.management.usage;

import dev.berth.core.catalog.CatalogService;
import dev.berth.management.route.Route;
import io.netty.handler.codec.http.HttpMethod;

import java.util.List;

/** The history and usage calls of the contract and their operations. */
public final class UsageRoutes {
    private UsageRoutes() {
    }

    public static List<Route> of(CatalogService catalog) {
        return List.of(Route.of(HttpMethod.GET, "/api/v1/registries/{registry}/history", new RegistryHistoryHandler(catalog)),
                Route.of(HttpMethod.GET, "/api/v1/registries/{registry}/usage", new RegistryUsageHandler(catalog)));
    }
}
