package dev.berth.management.gc;

import dev.berth.core.gc.GarbageCollector;
import dev.berth.management.route.Route;
import io.netty.handler.codec.http.HttpMethod;

import java.util.List;

/** The garbage collection calls of the contract and their operations. */
public final class GcRoutes {
    private GcRoutes() {
    }

    public static List<Route> of(GarbageCollector collector) {
        return List.of(
                Route.of(HttpMethod.POST, "/api/v1/gc", new StartGcHandler(collector)),
                Route.of(HttpMethod.GET, "/api/v1/gc", new ListGcRunsHandler(collector)),
                Route.of(HttpMethod.GET, "/api/v1/gc/{id}", new GetGcRunHandler(collector)));
    }
}
