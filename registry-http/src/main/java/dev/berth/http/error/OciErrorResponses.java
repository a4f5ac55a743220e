package dev.berth.http.error;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.core.error.OciErrorCode;
import dev.berth.core.error.OciException;
import dev.berth.core.error.UnexpectedFailure;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The one place that maps OCI error codes to HTTP statuses and writes the spec's error body. */
public final class OciErrorResponses {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The code of a failure inside the registry; the distribution spec names none, and clients know this one from Distribution. */
    private static final String UNKNOWN = "UNKNOWN";

    private OciErrorResponses() {
    }

    public static HttpResponseStatus status(OciErrorCode code) {
        return switch (code) {
            case BLOB_UNKNOWN, BLOB_UPLOAD_UNKNOWN, MANIFEST_UNKNOWN, NAME_UNKNOWN, NOT_FOUND -> HttpResponseStatus.NOT_FOUND;
            case BLOB_UPLOAD_INVALID, DIGEST_INVALID, MANIFEST_BLOB_UNKNOWN, MANIFEST_INVALID, NAME_INVALID,
                 SIZE_INVALID, PARAMETER_INVALID -> HttpResponseStatus.BAD_REQUEST;
            case RANGE_NOT_SATISFIABLE, BLOB_RANGE_NOT_SATISFIABLE -> HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE;
            case MANIFEST_TOO_LARGE -> HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE;
            case UNAUTHORIZED -> HttpResponseStatus.UNAUTHORIZED;
            case DENIED -> HttpResponseStatus.FORBIDDEN;
            case UNSUPPORTED, METHOD_NOT_ALLOWED -> HttpResponseStatus.METHOD_NOT_ALLOWED;
            case TOOMANYREQUESTS -> HttpResponseStatus.TOO_MANY_REQUESTS;
            case INSUFFICIENT_STORAGE -> HttpResponseStatus.INSUFFICIENT_STORAGE;
        };
    }

    /** The body {@code {"errors":[{"code","message","detail"}]}}. */
    public static byte[] body(OciException error) {
        return body(error.code().wireCode(), error.getMessage(), error.detail());
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
