package dev.berth.http.server;

import dev.berth.http.route.BodyAdmission;
import dev.berth.http.route.RequestContext;
import dev.berth.management.ManagementApi;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpRequest;

/** Lets a management call's body be read only once the management API has accepted its head; refuses in its problem JSON. */
final class ManagementAdmission implements BodyAdmission {
    private final ManagementApi api;

    ManagementAdmission(ManagementApi api) {
        this.api = api;
    }

    @Override
    public FullHttpResponse refusal(RequestContext request) {
        HttpRequest head = request.request();
        return api.refusal(head.method(), head.uri(), head.headers(), request.clientAddress());
    }

    @Override
    public FullHttpResponse malformed() {
        return ManagementApi.malformedBody();
    }

    /** The management API has one cap for every call, {@link ManagementApi#MAX_BODY_BYTES}, which its answer names. */
    @Override
    public FullHttpResponse tooLarge(int maxBodyBytes) {
        return ManagementApi.bodyTooLarge();
    }
}
