package dev.berth.http.server;

import dev.berth.core.error.OciErrorCode;
import dev.berth.core.error.RegistryException;
import dev.berth.http.metrics.RegistryMetrics;
import dev.berth.http.route.AggregatingExchange;
import dev.berth.http.route.BodyAdmission;
import dev.berth.http.route.Exchange;
import dev.berth.http.route.ExchangeFactory;
import dev.berth.http.route.OciAdmission;
import dev.berth.http.route.RequestContext;
import dev.berth.http.route.Responses;
import dev.berth.http.route.V2Handler;
import dev.berth.http.v2.V2Endpoints;
import dev.berth.http.web.ApiDocs;
import dev.berth.http.web.WebConsole;
import dev.berth.http.web.StaticAssetHandler;
import dev.berth.management.ManagementApi;
import dev.berth.management.ManagementRequest;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;

/**
 * The top of the routing tree: {@code /v2} to the OCI endpoints, {@code /api/v1/docs} to the management API's
 * documentation page and {@code /ui} to the web console (static files, no token needed; {@code /} redirects to
 * the console), the rest of {@code /api/v1} to the management API
 * (aggregated, capped at the API's limit, its caller checked before the body is read), {@code /healthz} for
 * probes, {@code /metrics} for Prometheus. Anything else is a 404.
 */
final class HttpRoutes implements ExchangeFactory {
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final V2Endpoints v2;
    private final Executor blocking;
    private final V2Handler management;
    private final BodyAdmission managementAdmission;
    private final V2Handler health;
    private final V2Handler metrics;
    private final StaticAssetHandler apiDocs = ApiDocs.handler();
    private final StaticAssetHandler console = WebConsole.handler();
    /** A person who opens the server's address in a browser lands on the console. */
    private final V2Handler home = request -> request.respond(StaticAssetHandler.redirect(WebConsole.ROOT + "/"));

    HttpRoutes(V2Endpoints v2, ManagementApi management, HealthCheck health, RegistryMetrics meters, Executor blocking) {
        this.v2 = v2;
        this.health = health;
        this.blocking = blocking;
        this.metrics = request -> request.respond(Responses.bytes(HttpResponseStatus.OK, PROMETHEUS_TEXT,
                meters.scrape().getBytes(StandardCharsets.UTF_8)));
        this.management = request -> request.respond(management.handle(new ManagementRequest(request.request().method(),
                request.request().uri(), request.request().headers(), request.body(), request.clientAddress(),
                request.isSecure())));
        this.managementAdmission = new ManagementAdmission(management);
    }

    @Override
    public Exchange open(RequestContext request) {
        String uri = request.request().uri();
        int query = uri.indexOf('?');
        String path = query < 0 ? uri : uri.substring(0, query);
        if (path.equals("/v2") || path.startsWith("/v2/")) {
            return v2.open(request);
        }
        // before the management API, which would ask for the admin token
        if (apiDocs.serves(path)) {
            return apiDocs.open(request, blocking);
        }
        if (console.serves(path)) {
            return console.open(request, blocking);
        }
        if (path.equals("/")) {
            return new AggregatingExchange(request, OciAdmission.ANYONE, home, blocking, 0);
        }
        if (path.equals("/api/v1") || path.startsWith("/api/v1/")) {
            return new AggregatingExchange(request, managementAdmission, management, blocking, ManagementApi.MAX_BODY_BYTES);
        }
        if (path.equals("/healthz")) {
            return new AggregatingExchange(request, OciAdmission.ANYONE, health, blocking, 0);
        }
        if (path.equals("/metrics")) {
            return new AggregatingExchange(request, OciAdmission.ANYONE, metrics, blocking, 0);
        }
        throw new RegistryException(OciErrorCode.NOT_FOUND, "no endpoint at " + path);
    }
}
