package dev.berth.http.v2.upload;

import dev.berth.core.registry.RegistryService;
import dev.berth.http.route.RequestContext;
import dev.berth.http.route.Responses;
import dev.berth.http.route.V2Handler;
import io.netty.handler.codec.http.HttpResponseStatus;

/** Cancels an upload session and drops its data ({@code DELETE /v2/<name>/blobs/uploads/<id>}): 204. */
public final class CancelUploadHandler implements V2Handler {
    private final RegistryService registry;

    public CancelUploadHandler(RegistryService registry) {
        this.registry = registry;
    }

    @Override
    public void handle(RequestContext request) {
        registry.cancelUpload(registry.upload(request.route().repository(), request.route().segment()));
        request.respond(Responses.empty(HttpResponseStatus.NO_CONTENT));
    }
}
