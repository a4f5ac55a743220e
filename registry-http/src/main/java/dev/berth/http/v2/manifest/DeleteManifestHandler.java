package dev.berth.http.v2.manifest;

import dev.berth.core.error.RegistryException;
import dev.berth.core.name.Reference;
import dev.berth.core.registry.RegistryService;
import dev.berth.http.route.RequestContext;
import dev.berth.http.route.Responses;
import dev.berth.http.route.V2Handler;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Deletes by reference (end-9: {@code DELETE /v2/<name>/manifests/<reference>}): a digest removes the
 * manifest and its tags, a tag only the tag. 202; {@code MANIFEST_UNKNOWN} when the reference names nothing.
 */
public final class DeleteManifestHandler implements V2Handler {
    private final RegistryService registry;

    public DeleteManifestHandler(RegistryService registry) {
        this.registry = registry;
    }

    @Override
    public void handle(RequestContext request) {
        Reference reference = Reference.lookup(request.route().segment());
        if (!registry.deleteManifest(request.route().repository(), reference, request.actor())) {
            throw RegistryException.manifestUnknown(reference.value());
        }
        request.respond(Responses.empty(HttpResponseStatus.ACCEPTED));
    }
}
