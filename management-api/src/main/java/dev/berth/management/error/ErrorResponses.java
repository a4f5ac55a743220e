package dev.berth.management.error;

import dev.berth.core.error.Problem;
import dev.berth.core.error.RegistryException;
import dev.berth.core.error.UnexpectedFailure;
import dev.berth.management.json.Json;
import dev.berth.management.json.JsonResponses;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Turns every failure of a management call into the contract's JSON error, and is the only class that
 * chooses an error status.
 *
 * <p>{@link #status} is the management API's one table from {@link Problem} to status; its {@code switch}
 * has no {@code default}, so a new problem without a status does not compile. Anything unexpected becomes
 * a 500 {@code INTERNAL_ERROR}, logged once as an {@link UnexpectedFailure} whose reference the client's
 * message repeats, as {@code /v2} does, and sent without a stack trace or any detail of the cause.
 */
public final class ErrorResponses {
    /** The challenge sent with every 401, so that a client knows to send the admin token as a bearer token. */
    public static final String BEARER_CHALLENGE = "Bearer realm=\"berth\"";

    private ErrorResponses() {
    }

    /**
     * The status of each kind of failure, as the contract lists them: 400 for what cannot be read, 422 for
     * readable values that break a rule.
     */
    public static HttpResponseStatus status(Problem problem) {
        return switch (problem) {
            case MALFORMED -> HttpResponseStatus.BAD_REQUEST;
            case INVALID -> HttpResponseStatus.UNPROCESSABLE_ENTITY;
            case UNAUTHENTICATED -> HttpResponseStatus.UNAUTHORIZED;
            case DENIED, QUOTA_EXCEEDED -> HttpResponseStatus.FORBIDDEN;
            case NOT_FOUND -> HttpResponseStatus.NOT_FOUND;
            case CONFLICT -> HttpResponseStatus.CONFLICT;
            case TOO_LARGE -> HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE;
            case OUT_OF_RANGE -> HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE;
            case UNSUPPORTED -> HttpResponseStatus.METHOD_NOT_ALLOWED;
            case THROTTLED -> HttpResponseStatus.TOO_MANY_REQUESTS;
            case STORAGE_FULL -> HttpResponseStatus.INSUFFICIENT_STORAGE;
        };
    }

    /** What the client is told about a failure. Logs (once) only the unexpected ones. */
    static ErrorReply reply(Throwable failure) {
        if (failure instanceof RegistryException e) {
            return new ErrorReply(status(e.problem()), e.code(), e.getMessage());
        }
        if (failure instanceof MethodNotAllowedException e) {
            return new ErrorReply(status(Problem.UNSUPPORTED), "METHOD_NOT_ALLOWED", e.getMessage());
        }
        return new ErrorReply(HttpResponseStatus.INTERNAL_SERVER_ERROR, "INTERNAL_ERROR",
                UnexpectedFailure.log("management call", failure).message());
    }

    /**
     * The JSON error response for any failure, with {@code WWW-Authenticate} on a 401, {@code Allow} on a 405
     * and {@code Retry-After} when the failure says to wait.
     */
    public static FullHttpResponse response(Throwable failure) {
        ErrorReply reply = reply(failure);
        FullHttpResponse response = JsonResponses.bytes(reply.status(),
                Json.write(new ErrorBody(new ErrorBody.Detail(reply.code(), reply.message()))));
        if (reply.status().equals(HttpResponseStatus.UNAUTHORIZED)) {
            response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, BEARER_CHALLENGE);
        }
        if (failure instanceof MethodNotAllowedException e) {
            response.headers().set(HttpHeaderNames.ALLOW, String.join(", ", e.allowed()));
        }
        if (failure instanceof RegistryException e && e.retryAfterSeconds() > 0) {
            response.headers().set(HttpHeaderNames.RETRY_AFTER, e.retryAfterSeconds());
        }
        return response;
    }
}
