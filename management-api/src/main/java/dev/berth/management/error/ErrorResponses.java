package dev.berth.management.error;

import dev.berth.core.auth.LoginThrottledException;
import dev.berth.core.error.ManagementException;
import dev.berth.core.error.OciErrorCode;
import dev.berth.core.error.OciException;
import dev.berth.core.error.ProblemKind;
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
 * <p>The two {@code switch} expressions have no {@code default}: a new {@link ProblemKind} or
 * {@link OciErrorCode} without a status does not compile. Anything unexpected becomes a 500
 * {@code INTERNAL_ERROR}, logged once as an {@link UnexpectedFailure} whose reference the client's message
 * repeats, as {@code /v2} does, and sent without a stack trace or any detail of the cause.
 */
public final class ErrorResponses {
    /** The challenge sent with every 401, so that a client knows to send the admin token as a bearer token. */
    public static final String BEARER_CHALLENGE = "Bearer realm=\"berth\"";

    private ErrorResponses() {
    }

    /** The status of each kind of management failure. */
    public static HttpResponseStatus status(ProblemKind kind) {
        return switch (kind) {
            case MALFORMED -> HttpResponseStatus.BAD_REQUEST;
            case UNAUTHENTICATED -> HttpResponseStatus.UNAUTHORIZED;
            case FORBIDDEN -> HttpResponseStatus.FORBIDDEN;
            case NOT_FOUND -> HttpResponseStatus.NOT_FOUND;
            case CONFLICT -> HttpResponseStatus.CONFLICT;
            case TOO_LARGE -> HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE;
            case INVALID -> HttpResponseStatus.UNPROCESSABLE_ENTITY;
        };
    }

    /**
     * The status of an OCI failure that a core service let through to the management plane (rare: the
     * catalog service translates the usual ones). Unknown things are 404, malformed input 400.
     */
    public static HttpResponseStatus status(OciErrorCode code) {
        return switch (code) {
            case BLOB_UNKNOWN, BLOB_UPLOAD_UNKNOWN, MANIFEST_UNKNOWN, NAME_UNKNOWN, NOT_FOUND -> HttpResponseStatus.NOT_FOUND;
            case BLOB_UPLOAD_INVALID, DIGEST_INVALID, MANIFEST_BLOB_UNKNOWN, MANIFEST_INVALID, NAME_INVALID, SIZE_INVALID,
                 UNSUPPORTED, PARAMETER_INVALID -> HttpResponseStatus.BAD_REQUEST;
            case RANGE_NOT_SATISFIABLE, BLOB_RANGE_NOT_SATISFIABLE -> HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE;
            case MANIFEST_TOO_LARGE -> HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE;
            case UNAUTHORIZED -> HttpResponseStatus.UNAUTHORIZED;
            case DENIED -> HttpResponseStatus.FORBIDDEN;
            case METHOD_NOT_ALLOWED -> HttpResponseStatus.METHOD_NOT_ALLOWED;
            case TOOMANYREQUESTS -> HttpResponseStatus.TOO_MANY_REQUESTS;
            case INSUFFICIENT_STORAGE -> HttpResponseStatus.INSUFFICIENT_STORAGE;
        };
    }

    /** What the client is told about a failure. Logs (once) only the unexpected ones. */
    public static Problem problem(Throwable failure) {
        if (failure instanceof ManagementException e) {
            return new Problem(status(e.kind()), e.code(), e.getMessage());
        }
        if (failure instanceof LoginThrottledException e) {
            return new Problem(HttpResponseStatus.TOO_MANY_REQUESTS, "TOO_MANY_REQUESTS", e.getMessage());
        }
        if (failure instanceof MethodNotAllowedException e) {
            return new Problem(HttpResponseStatus.METHOD_NOT_ALLOWED, "METHOD_NOT_ALLOWED", e.getMessage());
        }
        if (failure instanceof OciException e) {
            HttpResponseStatus status = status(e.code());
            if (status.code() < 500) {
                return new Problem(status, e.code().wireCode(), e.getMessage());
            }
        } else if (failure instanceof IllegalArgumentException e) {
            // Core value types (PageRequest, RegistryName) refuse bad input this way before any work is done.
            return new Problem(HttpResponseStatus.BAD_REQUEST, "INVALID_PARAMETER", e.getMessage());
        }
        return new Problem(HttpResponseStatus.INTERNAL_SERVER_ERROR, "INTERNAL_ERROR",
                UnexpectedFailure.log("management call", failure).message());
    }

    /**
     * The JSON error response for any failure, with {@code WWW-Authenticate} on a 401, {@code Allow} on a 405
     * and {@code Retry-After} on a throttled login.
     */
    public static FullHttpResponse response(Throwable failure) {
        Problem problem = problem(failure);
        FullHttpResponse response = write(problem);
        if (problem.status().equals(HttpResponseStatus.UNAUTHORIZED)) {
            response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, BEARER_CHALLENGE);
        }
        if (failure instanceof MethodNotAllowedException e) {
            response.headers().set(HttpHeaderNames.ALLOW, String.join(", ", e.allowed()));
        }
        if (failure instanceof LoginThrottledException e) {
            response.headers().set(HttpHeaderNames.RETRY_AFTER, e.retryAfterSeconds());
        }
        return response;
    }

    /** Writes a problem as {@code {"error":{"code","message"}}}. */
    public static FullHttpResponse write(Problem problem) {
        return JsonResponses.bytes(problem.status(),
                Json.write(new ErrorBody(new ErrorBody.Detail(problem.code(), problem.message()))));
    }
}
