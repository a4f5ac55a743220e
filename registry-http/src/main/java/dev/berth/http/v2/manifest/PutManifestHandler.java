package dev.berth.http.v2.manifest;

import dev.berth.core.name.Reference;
import dev.berth.core.name.Tag;
import dev.berth.core.registry.PushedManifest;
import dev.berth.core.registry.RegistryService;
import dev.berth.http.route.RequestContext;
import dev.berth.http.route.Responses;
import dev.berth.http.v2.V2Locations;
import dev.berth.http.route.V2Handler;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Stores a manifest under a tag or digest (end-7: {@code PUT /v2/<name>/manifests/<reference>}): 201. A push by
 * digest may name tags too ({@code ?tag=a&tag=b}, end-7b), answered in {@code OCI-Tag}.
 */
public final class PutManifestHandler implements V2Handler {
    private final RegistryService registry;

    public PutManifestHandler(RegistryService registry) {
        this.registry = registry;
    }

    @Override
    public void handle(RequestContext request) {
        // Every tag is checked before anything is stored: a bad one refuses the whole push.
        List<String> asked = request.route().query().getOrDefault("tag", List.of());
        List<Tag> tags = asked.stream().map(Tag::parse).toList();
        PushedManifest pushed = registry.putManifest(request.route().repository(), Reference.parse(request.route().segment()),
                tags, request.request().headers().get(HttpHeaderNames.CONTENT_TYPE), request.body(), request.actor());
        FullHttpResponse response = Responses.empty(HttpResponseStatus.CREATED);
        response.headers()
                .set(HttpHeaderNames.LOCATION, V2Locations.manifest(request.route().repository(), pushed.digest()))
                .set(Responses.CONTENT_DIGEST, pushed.digest().value());
        if (pushed.subject() != null) {
            response.headers().set(Responses.OCI_SUBJECT, pushed.subject().value());
        }
        if (!tags.isEmpty()) {
            response.headers().set(Responses.OCI_TAG, pushed.tags().stream().map(Tag::value).collect(Collectors.joining(", ")));
        }
        request.respond(response);
    }
}
