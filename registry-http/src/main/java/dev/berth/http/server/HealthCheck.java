package dev.berth.http.server;

import dev.berth.core.cluster.CacheCoherence;
import dev.berth.core.cluster.ClusterMembership;
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
 * not answer. A load balancer takes a node out on the 503. Then the node: its id (the start of its upload ids), the
 * address the other nodes of a cluster reach it at, and whether its caches answer ({@code false} while it cannot
 * confirm it has heard the others' changes: it answers from the database then, which is not a failure).
 */
final class HealthCheck implements V2Handler {
    private final Supplier<List<BackendHealth>> backends;
    private final ClusterMembership membership;
    private final CacheCoherence coherence;

    HealthCheck(Supplier<List<BackendHealth>> backends, ClusterMembership membership, CacheCoherence coherence) {
        this.backends = backends;
        this.membership = membership;
        this.coherence = coherence;
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
        Map<String, Object> node = new LinkedHashMap<>();
        node.put("id", membership.self());
        node.put("address", membership.addressOf(membership.self()).orElse(null));
        node.put("caches_current", coherence.cachesCurrent());
        body.put("node", node);
        request.respond(Responses.json(ok ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, body));
    }
}
