package dev.berth.management.registry;

import dev.berth.core.tenant.TenantService;
import dev.berth.management.route.Route;
import io.netty.handler.codec.http.HttpMethod;

import java.util.List;

/** The registry calls of the contract and their operations. */
public final class RegistryRoutes {
    private RegistryRoutes() {
    }

    public static List<Route> of(TenantService tenants) {
        return List.of(
                Route.of(HttpMethod.POST, "/api/v1/registries", new CreateRegistryHandler(tenants)),
                Route.of(HttpMethod.GET, "/api/v1/registries", new ListRegistriesHandler(tenants)),
                Route.of(HttpMethod.GET, "/api/v1/registries/{registry}", new GetRegistryHandler(tenants)),
                Route.of(HttpMethod.PATCH, "/api/v1/registries/{registry}", new UpdateRegistryHandler(tenants)),
                Route.of(HttpMethod.DELETE, "/api/v1/registries/{registry}", new DeleteRegistryHandler(tenants)));
    }
}
