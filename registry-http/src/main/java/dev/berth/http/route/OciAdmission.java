package dev.berth.http.route;

import dev.berth.core.error.OciErrorCode;
import dev.berth.core.error.RegistryException;
import io.netty.handler.codec.http.FullHttpResponse;

import java.util.function.Consumer;

/** Admits a request by a check that throws a {@link RegistryException} to refuse it, and refuses with OCI errors. */
public final class OciAdmission implements BodyAdmission {
    /** Admits everyone (probes, metrics). */
    public static final OciAdmission ANYONE = new OciAdmission(request -> { });

    private final Consumer<RequestContext> check;

    /** @param check authenticates and authorizes the request, or throws a {@link RegistryException} */
    public OciAdmission(Consumer<RequestContext> check) {
        this.check = check;
    }

    @Override
    public FullHttpResponse refusal(RequestContext request) {
        try {
            check.accept(request);
            return null;
        } catch (RegistryException refused) {
            return Responses.error(refused);
        }
    }

    @Override
    public FullHttpResponse malformed() {
        return Responses.error(new RegistryException(OciErrorCode.PARAMETER_INVALID, "the request body's chunked encoding is malformed"));
    }

    @Override
    public FullHttpResponse tooLarge(int maxBodyBytes) {
        return Responses.error(new RegistryException(OciErrorCode.MANIFEST_TOO_LARGE, "body exceeds " + maxBodyBytes + " bytes"));
    }
}
