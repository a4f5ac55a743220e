package dev.berth.http.v2.referrers;

import dev.berth.core.digest.Digest;
import dev.berth.core.manifest.Descriptor;
import dev.berth.core.manifest.MediaTypes;
import dev.berth.core.registry.RegistryService;
import dev.berth.http.route.RequestContext;
import dev.berth.http.route.Responses;
import dev.berth.http.route.V2Handler;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lists the manifests that refer to a subject (end-12a/12b: {@code GET /v2/<name>/referrers/<digest>}) as an
 * image index, filtered by {@code ?artifactType=}; an empty index when there are none.
 */
public final class ListReferrersHandler implements V2Handler {
    private final RegistryService registry;

    public ListReferrersHandler(RegistryService registry) {
        this.registry = registry;
    }

    @Override
    public void handle(RequestContext request) {
        String artifactType = request.route().param("artifactType");
        List<Descriptor> referrers = registry.referrers(request.route().repository(),
                Digest.parse(request.route().segment()), artifactType);
        Map<String, Object> index = new LinkedHashMap<>();
        index.put("schemaVersion", 2);
        index.put("mediaType", MediaTypes.OCI_INDEX);
        index.put("manifests", referrers.stream().map(ListReferrersHandler::descriptor).toList());
        FullHttpResponse response = Responses.bytes(HttpResponseStatus.OK, MediaTypes.OCI_INDEX, Responses.toJson(index));
        if (artifactType != null) {
            response.headers().set(Responses.OCI_FILTERS_APPLIED, "artifactType");
        }
        request.respond(response);
    }

    private static Map<String, Object> descriptor(Descriptor d) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("mediaType", d.mediaType());
        json.put("digest", d.digest().value());
        json.put("size", d.size());
        if (d.artifactType() != null) {
            json.put("artifactType", d.artifactType());
        }
        if (d.annotations() != null) {
            json.put("annotations", d.annotations());
        }
        return json;
    }
}
