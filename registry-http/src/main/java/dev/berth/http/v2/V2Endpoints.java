package dev.berth.http.v2;

import dev.berth.core.error.OciErrorCode;
import dev.berth.core.error.RegistryException;
import dev.berth.core.registry.RegistryService;
import dev.berth.http.auth.V2AccessGate;
import dev.berth.http.cluster.UploadForwarding;
import dev.berth.http.flow.UploadBuffers;
import dev.berth.http.auth.V2AccessGate.Need;
import dev.berth.http.metrics.RegistryMetrics;
import dev.berth.http.route.AggregatingExchange;
import dev.berth.http.route.BodyAdmission;
import dev.berth.http.route.OciAdmission;
import dev.berth.http.route.V2Router;
import dev.berth.http.route.Exchange;
import dev.berth.http.route.ExchangeFactory;
import dev.berth.http.route.RequestContext;
import dev.berth.http.route.V2Route.Endpoint;
import dev.berth.http.route.Responses;
import dev.berth.http.route.V2Handler;
import dev.berth.http.v2.blob.DeleteBlobHandler;
import dev.berth.http.v2.blob.GetBlobHandler;
import dev.berth.http.v2.manifest.DeleteManifestHandler;
import dev.berth.http.v2.manifest.GetManifestHandler;
import dev.berth.http.v2.manifest.PutManifestHandler;
import dev.berth.http.v2.referrers.ListReferrersHandler;
import dev.berth.http.v2.tag.CatalogHandler;
import dev.berth.http.v2.tag.ListTagsHandler;
import dev.berth.http.v2.upload.CancelUploadHandler;
import dev.berth.http.v2.upload.UploadExchange;
import dev.berth.http.v2.upload.UploadStatusHandler;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;

import static io.netty.handler.codec.http.HttpMethod.DELETE;
import static io.netty.handler.codec.http.HttpMethod.GET;
import static io.netty.handler.codec.http.HttpMethod.HEAD;
import static io.netty.handler.codec.http.HttpMethod.PATCH;
import static io.netty.handler.codec.http.HttpMethod.POST;
import static io.netty.handler.codec.http.HttpMethod.PUT;

/**
 * The table of {@code /v2} endpoints: for each endpoint, the methods it serves and how each opens its exchange
 * (the handler, who may call it, and whether the body is streamed to an upload session, for blob uploads, or
 * aggregated, for everything else, capped small or at the manifest limit). A method not in an endpoint's row
 * is refused with {@code METHOD_NOT_ALLOWED}. A request about an upload session that another node of the cluster
 * holds goes to that node before anything else ({@link UploadForwarding}): it authorizes it there.
 */
public final class V2Endpoints implements ExchangeFactory {
    /** Bodies of requests that carry none worth keeping (GET, DELETE) are capped small. */
    private static final int SMALL_BODY_BYTES = 64 * 1024;

    private final RegistryService registry;
    private final V2AccessGate gate;
    private final Executor blocking;
    private final Runnable uploadPaused;
    private final UploadForwarding forwarding;
    private final UploadBuffers uploadBuffers;
    private final long chunkMinLength;
    private final V2Router router = new V2Router();
    /**
     * The access check of each need: authentication and authorization happen here, once, for every aggregated
     * endpoint, from the request's head before any body is read (uploads check in {@link UploadExchange}).
     */
    private final Map<Need, BodyAdmission> admissions = new EnumMap<>(Need.class);
    /** The rows of the table, one per endpoint, looked up by method. */
    private final Map<Endpoint, Map<HttpMethod, ExchangeFactory>> table = new EnumMap<>(Endpoint.class);

    public V2Endpoints(RegistryService registry, V2AccessGate gate, Executor blocking, RegistryMetrics metrics,
                       UploadForwarding forwarding, UploadBuffers uploadBuffers, long chunkMinLength) {
        this.registry = registry;
        this.uploadBuffers = uploadBuffers;
        this.chunkMinLength = chunkMinLength;
        this.forwarding = forwarding;
        this.gate = gate;
        this.blocking = blocking;
        this.uploadPaused = metrics::uploadPaused;
        for (Need need : Need.values()) {
            admissions.put(need, new OciAdmission(request -> gate.authorize(request, need)));
        }
        for (Endpoint endpoint : Endpoint.values()) {
            table.put(endpoint, row(endpoint));
        }
    }

    /** The methods an endpoint serves; a switch, so that an endpoint added to the router cannot lack a row. */
    private Map<HttpMethod, ExchangeFactory> row(Endpoint endpoint) {
        return switch (endpoint) {
            case BASE -> {
                ExchangeFactory ping = aggregate(Need.LOGIN, request -> request.respond(Responses.json(HttpResponseStatus.OK, Map.of())));
                yield Map.of(GET, ping, HEAD, ping);
            }
            case CATALOG -> Map.of(GET, aggregate(Need.NOTHING, new CatalogHandler(registry, gate)));
            case TAGS -> Map.of(GET, fromMemoryFirst(new ListTagsHandler(registry)));
            case REFERRERS -> Map.of(GET, aggregate(Need.PULL, new ListReferrersHandler(registry)));
            case MANIFEST -> {
                ExchangeFactory pull = fromMemoryFirst(new GetManifestHandler(registry));
                yield Map.of(GET, pull, HEAD, pull,
                        PUT, aggregate(Need.PUSH, new PutManifestHandler(registry), registry.limits().maxManifestBytes()),
                        DELETE, aggregate(Need.PUSH, new DeleteManifestHandler(registry)));
            }
            case BLOB -> {
                V2Handler pull = new GetBlobHandler(registry);
                yield Map.of(HEAD, fromMemoryFirst(pull), GET, aggregate(Need.PULL, pull),
                        DELETE, aggregate(Need.PUSH, new DeleteBlobHandler(registry)));
            }
            case UPLOADS -> Map.of(POST, upload(UploadExchange.Kind.START));
            case UPLOAD -> Map.of(PATCH, upload(UploadExchange.Kind.APPEND), PUT, upload(UploadExchange.Kind.COMPLETE),
                    GET, aggregate(Need.PUSH, new UploadStatusHandler(registry)),
                    DELETE, aggregate(Need.PUSH, new CancelUploadHandler(registry)));
        };
    }

    @Override
    public Exchange open(RequestContext request) {
        request.route(router.route(request.request().uri()));
        if (request.route().endpoint() == Endpoint.UPLOAD) {
            Optional<Exchange> forwarded = forwarding.forward(request, request.route().segment());
            if (forwarded.isPresent()) {
                return forwarded.get();
            }
        }
        HttpMethod method = request.request().method();
        ExchangeFactory exchange = table.get(request.route().endpoint()).get(method);
        if (exchange == null) {
            throw new RegistryException(OciErrorCode.METHOD_NOT_ALLOWED, method + " is not allowed here");
        }
        return exchange.open(request);
    }

    private ExchangeFactory upload(UploadExchange.Kind kind) {
        return request -> new UploadExchange(request, registry, gate, kind, blocking, uploadPaused, uploadBuffers, chunkMinLength);
    }

    private ExchangeFactory aggregate(Need need, V2Handler handler) {
        return aggregate(need, handler, SMALL_BODY_BYTES);
    }

    private ExchangeFactory aggregate(Need need, V2Handler handler, int maxBodyBytes) {
        BodyAdmission admission = admissions.get(need);
        return request -> new AggregatingExchange(request, admission, handler, blocking, maxBodyBytes);
    }

    /**
     * A pull that the caches usually answer, tried on the event loop first (see {@link AggregatingExchange}).
     * Not a blob {@code GET}: it opens the blob's file.
     */
    private ExchangeFactory fromMemoryFirst(V2Handler handler) {
        BodyAdmission pull = admissions.get(Need.PULL);
        return request -> new AggregatingExchange(request, pull, handler, blocking, SMALL_BODY_BYTES, true);
    }
}
