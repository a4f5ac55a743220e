package dev.berth.http.v2.manifest;

import dev.berth.core.name.Reference;
import dev.berth.core.registry.PushedManifest;
import dev.berth.core.registry.RegistryService;
import dev.berth.http.route.RequestContext;
import dev.berth.http.route.Responses;
import dev.berth.http.v2.V2Locations;
import dev.berth.http.route.V2Handler;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;

/** Stores a manifest under a tag or digest (end-7: {@code PUT /v2/<name>/manifests/<reference>}): 201. */
public final class PutManifestHandler implements V2Handler {
    private final RegistryService registry;

    public PutManifestHandler(RegistryService registry) {
        this.registry = registry;
    }

    @Override
    public void handle(RequestContext request) {
        PushedManifest pushed = registry.putManifest(request.route().repository(), Reference.parse(request.route().segment()),
                request.request().headers().get(HttpHeaderNames.CONTENT_TYPE), request.body(), request.actor());
        FullHttpResponse response = Responses.empty(HttpResponseStatus.CREATED);
        response.headers()
                .set(HttpHeaderNames.LOCATION, V2Locations.manifest(request.route().repository(), pushed.digest()))
                .set(Responses.CONTENT_DIGEST, pushed.digest().value());
        if (pushed.subject() != null) {
            response.headers().set(Responses.OCI_SUBJECT, pushed.subject().value());
        }
        request.respond(response);
    }
}
