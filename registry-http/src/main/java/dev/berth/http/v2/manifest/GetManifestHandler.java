package dev.berth.http.v2.manifest;

import dev.berth.core.error.OciException;
import dev.berth.core.name.Reference;
import dev.berth.core.registry.RegistryService;
import dev.berth.core.registry.StoredManifest;
import dev.berth.http.route.RequestContext;
import dev.berth.http.route.Responses;
import dev.berth.http.route.V2Handler;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.ArrayList;
import java.util.List;

/**
 * Serves a manifest by tag or digest (end-3: {@code GET}/{@code HEAD /v2/<name>/manifests/<reference>})
 * byte for byte as it was pushed, with its media type. An index is withheld from a client whose
 * {@code Accept} list admits no index type, as Distribution does, so that it does not mistake it for an image.
 */
public final class GetManifestHandler implements V2Handler {
    private final RegistryService registry;

    public GetManifestHandler(RegistryService registry) {
        this.registry = registry;
    }

    @Override
    public void handle(RequestContext request) {
        Reference reference = Reference.lookup(request.route().segment());
        StoredManifest manifest = registry.getManifest(request.route().repository(), reference);
        if (RegistryService.refusedByAccept(manifest.mediaType(), accepted(request))) {
            throw OciException.manifestUnknown(reference.value());
        }
        FullHttpResponse response;
        if (request.request().method().equals(HttpMethod.HEAD)) {
            response = Responses.empty(HttpResponseStatus.OK);
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, manifest.mediaType())
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, manifest.content().length);
        } else {
            response = Responses.bytes(HttpResponseStatus.OK, manifest.mediaType(), manifest.content());
            registry.recordPull(request.route().repository(), reference, manifest, request.actor());
        }
        response.headers().set(Responses.CONTENT_DIGEST, manifest.digest().value())
                .set(HttpHeaderNames.ETAG, '"' + manifest.digest().value() + '"');
        request.respond(response);
    }

    private static List<String> accepted(RequestContext request) {
        List<String> types = new ArrayList<>();
        for (String header : request.request().headers().getAll(HttpHeaderNames.ACCEPT)) {
            for (String type : header.split(",")) {
                if (!type.isBlank()) {
                    types.add(type.trim());
                }
            }
        }
        return types;
    }
}
