package dev.berth.management;

import dev.berth.core.auth.AdminLogin;
import dev.berth.core.catalog.CatalogService;
import dev.berth.core.error.Problem;
import dev.berth.core.error.RegistryException;
import dev.berth.core.gc.GarbageCollector;
import dev.berth.core.session.ConsoleSession;
import dev.berth.core.session.ConsoleSessions;
import dev.berth.core.tenant.TenantService;
import dev.berth.core.user.UserService;
import dev.berth.management.artifact.ArtifactRoutes;
import dev.berth.management.error.ErrorResponses;
import dev.berth.management.gc.GcRoutes;
import dev.berth.management.json.JsonResponses;
import dev.berth.management.openapi.OpenApiDocument;
import dev.berth.management.registry.RegistryRoutes;
import dev.berth.management.repository.RepositoryRoutes;
import dev.berth.management.session.SessionRoutes;
import dev.berth.management.route.AdminAuthentication;
import dev.berth.management.route.Call;
import dev.berth.management.route.Reply;
import dev.berth.management.route.Route;
import dev.berth.management.route.RouteMatch;
import dev.berth.management.route.Router;
import dev.berth.management.usage.UsageRoutes;
import dev.berth.management.user.UserRoutes;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Answers {@code /api/v1} management requests. It is registry-http's one entry point into this module.
 *
 * <p>A call goes through these steps:
 * <ol>
 *   <li>resolve the route from the method and the raw path (repository names may hold raw or {@code %2F} slashes);</li>
 *   <li>check the admin bearer token or console session, unless the route is open (only the OpenAPI document, and
 *       the console's sign-in and session, are). The check comes before a 404 or 405 is answered, so that an anonymous caller
 *       learns nothing about the paths;</li>
 *   <li>refuse a body over {@value #MAX_BODY_BYTES} bytes (413);</li>
 *   <li>run the route's operation, which parses its input, calls one core service and gives a reply;</li>
 *   <li>write the reply as JSON, or any failure as the contract's {@code {"error":{"code","message"}}}.</li>
 * </ol>
 * {@link #handle} blocks on the stores, so call it off the event loop. It never throws.
 */
public final class ManagementApi {
    /** The largest request body accepted; the server refuses a longer one before reading it (see {@link #refusal}). */
    public static final int MAX_BODY_BYTES = 1024 * 1024;

    private final Router router;
    private final AdminAuthentication authentication;
    private final PublicAddress publicAddress;

    /**
     * @param sessions the console's sessions, which the API also takes as the admin's credentials
     * @param publicAddress what the registries' {@code url} starts with
     */
    public ManagementApi(TenantService tenants, UserService users, CatalogService catalog, GarbageCollector collector,
                         AdminLogin adminLogin, ConsoleSessions sessions, PublicAddress publicAddress) {
        this(tenants, users, catalog, collector, adminLogin, sessions, publicAddress, Clock.systemUTC());
    }

    /** @param clock tells whether a user has expired; tests fix it */
    ManagementApi(TenantService tenants, UserService users, CatalogService catalog, GarbageCollector collector,
                  AdminLogin adminLogin, ConsoleSessions sessions, PublicAddress publicAddress, Clock clock) {
        List<Route> routes = new ArrayList<>();
        routes.addAll(RegistryRoutes.of(tenants));
        routes.addAll(UsageRoutes.of(catalog));
        routes.addAll(RepositoryRoutes.of(catalog));
        routes.addAll(ArtifactRoutes.of(catalog));
        routes.addAll(UserRoutes.of(users, clock));
        routes.addAll(GcRoutes.of(collector));
        routes.addAll(SessionRoutes.of(sessions));
        routes.add(OpenApiDocument.load().route());
        this.router = new Router(routes);
        this.authentication = new AdminAuthentication(adminLogin, sessions);
        this.publicAddress = publicAddress;
    }

    /** Every route served, for the test that holds the OpenAPI document to them. */
    List<Route> routes() {
        return router.routes();
    }

    public FullHttpResponse handle(ManagementRequest request) {
        try {
            Reply reply = dispatch(request);
            FullHttpResponse response = reply.body() == null ? JsonResponses.noContent()
                    : JsonResponses.json(reply.status(), reply.body());
            if (reply.setCookie() != null) {
                response.headers().set(HttpHeaderNames.SET_COOKIE, reply.setCookie());
            }
            return response;
        } catch (Throwable failure) {
            return ErrorResponses.response(failure);
        }
    }

    /**
     * The answer refusing a call from its head alone, before its body is read: 401 without a valid admin token
     * where one is needed, 404 or 405 for a route that does not exist; null when the body may be read. The
     * server asks this first so that a refused caller's body is never buffered. Blocks like {@link #handle}
     * (a first token check is a slow hash) and never throws.
     */
    public FullHttpResponse refusal(HttpMethod method, String uri, HttpHeaders headers, String clientAddress) {
        try {
            admit(method, new QueryStringDecoder(uri), headers, clientAddress);
            return null;
        } catch (Throwable failure) {
            return ErrorResponses.response(failure);
        }
    }

    /** The 400 answer to a body whose chunked encoding broke off unreadably. */
    public static FullHttpResponse malformedBody() {
        return ErrorResponses.response(RegistryException.malformed("MALFORMED_BODY",
                "the request body's chunked encoding is malformed"));
    }

    /** The 413 answer to a body over {@value #MAX_BODY_BYTES} bytes. */
    public static FullHttpResponse bodyTooLarge() {
        return ErrorResponses.response(tooLarge());
    }

    private Reply dispatch(ManagementRequest request) {
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        Admission admission = admit(request.method(), uri, request.headers(), request.clientAddress());
        if (request.body().length > MAX_BODY_BYTES) {
            throw tooLarge();
        }
        String host = request.headers() == null ? null : request.headers().get(HttpHeaderNames.HOST);
        return admission.match().route().operation().handle(new Call(admission.match().params(), query(uri), request.body(),
                publicAddress.forRequest(host), request.clientAddress(), request.secure(), admission.session()));
    }

    /** A resolved route and the console session the call was made in (null for a Bearer or open call). */
    private record Admission(RouteMatch match, ConsoleSession session) {
    }

    /** Resolves the route and checks the caller (steps 1 and 2 of the class comment). */
    private Admission admit(HttpMethod method, QueryStringDecoder uri, HttpHeaders headers, String clientAddress) {
        RouteMatch match = null;
        RuntimeException routingFailure = null;
        try {
            match = router.resolve(method, uri.rawPath());
        } catch (RuntimeException e) {
            routingFailure = e;
        }
        ConsoleSession session = match == null || match.route().requiresAdmin()
                ? authentication.check(method, headers, clientAddress) : authentication.sessionIfAny(headers);
        if (routingFailure != null) {
            throw routingFailure;
        }
        return new Admission(match, session);
    }

    private static RegistryException tooLarge() {
        return new RegistryException(Problem.TOO_LARGE, "PAYLOAD_TOO_LARGE", "the request body exceeds " + MAX_BODY_BYTES + " bytes");
    }

    /** The decoded query parameters; a broken {@code %} escape in them is the client's error. */
    private static Map<String, List<String>> query(QueryStringDecoder uri) {
        try {
            return uri.parameters();
        } catch (IllegalArgumentException brokenEscape) {
            throw RegistryException.malformed("INVALID_PARAMETER", "the query string has a broken '%' escape");
        }
    }
}
