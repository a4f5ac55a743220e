package dev.berth.http.v2.upload;

import dev.berth.core.registry.RegistryService;
import dev.berth.http.route.RequestContext;
import dev.berth.http.route.V2Handler;
import io.netty.handler.codec.http.HttpResponseStatus;

/** Reports an upload's progress (end-13: {@code GET /v2/<name>/blobs/uploads/<id>}): 204 with {@code Range}. */
public final class UploadStatusHandler implements V2Handler {
    private final RegistryService registry;

    public UploadStatusHandler(RegistryService registry) {
        this.registry = registry;
    }

    @Override
    public void handle(RequestContext request) {
        var upload = registry.upload(request.route().repository(), request.route().segment());
        request.respond(UploadResponses.inProgress(HttpResponseStatus.NO_CONTENT, upload));
    }
}
