package dev.berth.http.server;

import dev.berth.http.route.RequestContext;
import dev.berth.http.route.Responses;
import dev.berth.http.route.V2Handler;
import dev.berth.storage.BackendHealth;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code GET /healthz}: 200 and {@code "status": "ok"} when every backend answers, 503 and
 * {@code "status": "unavailable"} when one does not; each backend with its engine, its status, and why it does
 * not answer. A load balancer takes a node out on the 503.
 */
final class HealthCheck implements V2Handler {
    private final Supplier<List<BackendHealth>> backends;

    HealthCheck(Supplier<List<BackendHealth>> backends) {
        this.backends = backends;
    }

    @Override
    public void handle(RequestContext request) {
        List<BackendHealth> health = backends.get();
        boolean ok = health.stream().allMatch(BackendHealth::ok);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", ok ? "ok" : "unavailable");
        Map<String, Object> each = new LinkedHashMap<>();
        for (BackendHealth backend : health) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("engine", backend.engine());
            entry.put("status", backend.ok() ? "ok" : "unavailable");
            if (!backend.ok()) {
                entry.put("error", backend.problem());
            }
            each.put(backend.backend(), entry);
        }
        body.put("backends", each);
        request.respond(Responses.json(ok ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, body));
    }
}
