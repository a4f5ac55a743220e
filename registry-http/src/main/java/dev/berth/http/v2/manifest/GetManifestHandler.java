package dev.berth.http.v2.manifest;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.berth.core.error.RegistryException;
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
    private final Cache<String, List<String>> acceptLists = Caffeine.newBuilder().maximumSize(1_000).build();

    public GetManifestHandler(RegistryService registry) {
        this.registry = registry;
    }

    @Override
    public void handle(RequestContext request) {
        Reference reference = Reference.lookup(request.route().segment());
        StoredManifest manifest = registry.getManifest(request.route().repository(), reference);
        if (RegistryService.refusedByAccept(manifest.mediaType(), accepted(request))) {
            throw RegistryException.manifestUnknown(reference.value());
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

    /**
     * The media types of the request's {@code Accept} headers. Clients send the same few lists again and
     * again, so each is split once and kept.
     */
    private List<String> accepted(RequestContext request) {
        List<String> headers = request.request().headers().getAll(HttpHeaderNames.ACCEPT);
        if (headers.isEmpty()) {
            return List.of();
        }
        String key = headers.size() == 1 ? headers.get(0) : String.join(",", headers);
        return acceptLists.get(key, GetManifestHandler::mediaTypes);
    }

    private static List<String> mediaTypes(String accept) {
        List<String> types = new ArrayList<>();
        for (String type : accept.split(",")) {
            if (!type.isBlank()) {
                types.add(type.trim());
            }
        }
        return List.copyOf(types);
    }
}
