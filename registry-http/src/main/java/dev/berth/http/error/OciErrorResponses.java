package dev.berth.http.error;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.core.error.RegistryException;
import dev.berth.core.error.OciErrorCode;
import dev.berth.core.error.Problem;
import dev.berth.core.error.UnexpectedFailure;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code /v2} edge of the error vocabulary: its one table from {@link Problem} to HTTP status, and the
 * writer of the spec's error body. An {@link dev.berth.core.error.OciErrorCode} gets its status through the
 * problem it names.
 */
public final class OciErrorResponses {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The code of a failure inside the registry; the distribution spec names none, and clients know this one from Distribution. */
    private static final String UNKNOWN = "UNKNOWN";

    private OciErrorResponses() {
    }

    /**
     * The status of each kind of failure, as the distribution spec answers it: 400 for any bad input, 405 for
     * an operation that is not offered (the spec lists {@code UNSUPPORTED} under 405 Method Not Allowed).
     */
    public static HttpResponseStatus status(Problem problem) {
        return switch (problem) {
            case MALFORMED, INVALID -> HttpResponseStatus.BAD_REQUEST;
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

    /**
     * The body {@code {"errors":[{"code","message","detail"}]}}. A failure without an OCI code is the management
     * plane's and reaching {@code /v2} with one is a bug: it is refused here, to be answered as unexpected.
     */
    public static byte[] body(RegistryException error) {
        OciErrorCode code = error.ociCode()
                .orElseThrow(() -> new IllegalStateException("a failure without an OCI code reached /v2: " + error.code(), error));
        return body(code.wireCode(), error.getMessage(), error.detail());
    }

    /** The body of a 500: code {@code UNKNOWN} and the reference to quote, nothing of the cause. */
    public static byte[] body(UnexpectedFailure failure) {
        return body(UNKNOWN, failure.message(), null);
    }

    private static byte[] body(String code, String message, Object detail) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("code", code);
        entry.put("message", message);
        entry.put("detail", detail == null ? Map.of() : detail);
        try {
            return JSON.writeValueAsBytes(Map.of("errors", List.of(entry)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("error body not serialisable", e);
        }
    }
}
