package dev.berth.http.v2;

import dev.berth.core.error.OciErrorCode;
import dev.berth.core.error.RegistryException;
import dev.berth.core.registry.RegistryService;
import dev.berth.http.auth.V2AccessGate;
import dev.berth.http.auth.V2AccessGate.Need;
import dev.berth.http.metrics.RegistryMetrics;
import dev.berth.http.route.AggregatingExchange;
import dev.berth.http.route.BodyAdmission;
import dev.berth.http.route.OciAdmission;
import dev.berth.http.route.V2Router;
import dev.berth.http.route.Exchange;
import dev.berth.http.route.ExchangeFactory;
import dev.berth.http.route.RequestContext;
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
import java.util.concurrent.Executor;

/**
 * The table of {@code /v2} endpoints: for each endpoint and method, the handler, and whether the body is
 * streamed to an upload session (blob uploads) or aggregated (everything else, capped at the manifest limit).
 */
public final class V2Endpoints implements ExchangeFactory {
    /** Bodies of requests that carry none worth keeping (GET, DELETE) are capped small. */
    private static final int SMALL_BODY_BYTES = 64 * 1024;

    private final RegistryService registry;
    private final V2AccessGate gate;
    private final Executor blocking;
    private final RegistryMetrics metrics;
    private final V2Router router = new V2Router();
    /**
     * The access check of each need: authentication and authorization happen here, once, for every aggregated
     * endpoint, from the request's head before any body is read (uploads check in {@link UploadExchange}).
     */
    private final Map<Need, BodyAdmission> admissions = new EnumMap<>(Need.class);
    private final V2Handler base = request -> request.respond(Responses.json(HttpResponseStatus.OK, Map.of()));
    private final V2Handler catalog;
    private final V2Handler listTags;
    private final V2Handler getManifest;
    private final V2Handler putManifest;
    private final V2Handler deleteManifest;
    private final V2Handler getBlob;
    private final V2Handler deleteBlob;
    private final V2Handler uploadStatus;
    private final V2Handler cancelUpload;
    private final V2Handler listReferrers;

    public V2Endpoints(RegistryService registry, V2AccessGate gate, Executor blocking, RegistryMetrics metrics) {
        this.registry = registry;
        this.gate = gate;
        this.blocking = blocking;
        this.metrics = metrics;
        this.catalog = new CatalogHandler(registry, gate);
        this.listTags = new ListTagsHandler(registry);
        this.getManifest = new GetManifestHandler(registry);
        this.putManifest = new PutManifestHandler(registry);
        this.deleteManifest = new DeleteManifestHandler(registry);
        this.getBlob = new GetBlobHandler(registry);
        this.deleteBlob = new DeleteBlobHandler(registry);
        this.uploadStatus = new UploadStatusHandler(registry);
        this.cancelUpload = new CancelUploadHandler(registry);
        this.listReferrers = new ListReferrersHandler(registry);
        for (Need need : Need.values()) {
            admissions.put(need, new OciAdmission(request -> gate.authorize(request, need)));
        }
    }

    @Override
    public Exchange open(RequestContext request) {
        request.route(router.route(request.request().uri()));
        HttpMethod method = request.request().method();
        boolean read = method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD);
        return switch (request.route().endpoint()) {
            case BASE -> read ? aggregate(request, Need.LOGIN, base) : refuse(method);
            case CATALOG -> method.equals(HttpMethod.GET) ? aggregate(request, Need.NOTHING, catalog) : refuse(method);
            case TAGS -> method.equals(HttpMethod.GET) ? fromMemoryFirst(request, listTags) : refuse(method);
            case REFERRERS -> method.equals(HttpMethod.GET) ? aggregate(request, Need.PULL, listReferrers) : refuse(method);
            case MANIFEST -> read ? fromMemoryFirst(request, getManifest)
                    : method.equals(HttpMethod.PUT)
                    ? new AggregatingExchange(request, admissions.get(Need.PUSH), putManifest, blocking, registry.limits().maxManifestBytes())
                    : method.equals(HttpMethod.DELETE) ? aggregate(request, Need.PUSH, deleteManifest) : refuse(method);
            case BLOB -> method.equals(HttpMethod.HEAD) ? fromMemoryFirst(request, getBlob)
                    : method.equals(HttpMethod.GET) ? aggregate(request, Need.PULL, getBlob)
                    : method.equals(HttpMethod.DELETE) ? aggregate(request, Need.PUSH, deleteBlob) : refuse(method);
            case UPLOADS -> method.equals(HttpMethod.POST) ? upload(request, UploadExchange.Kind.START) : refuse(method);
            case UPLOAD -> method.equals(HttpMethod.PATCH) ? upload(request, UploadExchange.Kind.APPEND)
                    : method.equals(HttpMethod.PUT) ? upload(request, UploadExchange.Kind.COMPLETE)
                    : method.equals(HttpMethod.GET) ? aggregate(request, Need.PUSH, uploadStatus)
                    : method.equals(HttpMethod.DELETE) ? aggregate(request, Need.PUSH, cancelUpload) : refuse(method);
        };
    }

    private Exchange upload(RequestContext request, UploadExchange.Kind kind) {
        return new UploadExchange(request, registry, gate, kind, blocking, metrics::uploadPaused);
    }

    private Exchange aggregate(RequestContext request, Need need, V2Handler handler) {
        return new AggregatingExchange(request, admissions.get(need), handler, blocking, SMALL_BODY_BYTES);
    }

    /**
     * A pull that the caches usually answer, tried on the event loop first (see {@link AggregatingExchange}).
     * Not a blob {@code GET}: it opens the blob's file.
     */
    private Exchange fromMemoryFirst(RequestContext request, V2Handler handler) {
        return new AggregatingExchange(request, admissions.get(Need.PULL), handler, blocking, SMALL_BODY_BYTES, true);
    }

    private static Exchange refuse(HttpMethod method) {
        throw new RegistryException(OciErrorCode.METHOD_NOT_ALLOWED, method + " is not allowed here");
    }
}
