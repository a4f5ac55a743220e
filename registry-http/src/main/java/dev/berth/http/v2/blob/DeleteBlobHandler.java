package dev.berth.http.v2.blob;

import dev.berth.core.digest.Digest;
import dev.berth.core.registry.RegistryService;
import dev.berth.http.route.RequestContext;
import dev.berth.http.route.Responses;
import dev.berth.http.route.V2Handler;
import io.netty.handler.codec.http.HttpResponseStatus;

/** Removes a blob from a repository (end-10: {@code DELETE /v2/<name>/blobs/<digest>}), answering 202. */
public final class DeleteBlobHandler implements V2Handler {
    private final RegistryService registry;

    public DeleteBlobHandler(RegistryService registry) {
        this.registry = registry;
    }

    @Override
    public void handle(RequestContext request) {
        registry.deleteBlob(request.route().repository(), Digest.parse(request.route().segment()));
        request.respond(Responses.empty(HttpResponseStatus.ACCEPTED));
    }
}
