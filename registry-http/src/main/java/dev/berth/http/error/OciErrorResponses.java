package dev.berth.http.error;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.core.error.OciErrorCode;
import dev.berth.core.error.RegistryException;
import dev.berth.core.error.UnexpectedFailure;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code /v2} edge of the error vocabulary: the one table from OCI error code to HTTP status, and the
 * writer of the spec's error body. Its {@code switch} has no {@code default}, so a new code without a status
 * does not compile.
 */
public final class OciErrorResponses {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The code of a failure inside the registry; the distribution spec names none, and clients know this one from Distribution. */
    private static final String UNKNOWN = "UNKNOWN";

    private OciErrorResponses() {
    }

    /**
     * The status the distribution spec gives each code. {@code UNSUPPORTED} is 405: the spec lists it under
     * 405 Method Not Allowed (an upload or push the registry does not offer); a bad parameter, the other case
     * its description names, has a code of its own here ({@code PARAMETER_INVALID}, 400).
     */
    public static HttpResponseStatus status(OciErrorCode code) {
        return switch (code) {
            case BLOB_UNKNOWN, BLOB_UPLOAD_UNKNOWN, MANIFEST_UNKNOWN, NAME_UNKNOWN, NOT_FOUND -> HttpResponseStatus.NOT_FOUND;
            case BLOB_UPLOAD_INVALID, DIGEST_INVALID, MANIFEST_BLOB_UNKNOWN, MANIFEST_INVALID, NAME_INVALID,
                 SIZE_INVALID, PARAMETER_INVALID -> HttpResponseStatus.BAD_REQUEST;
            case RANGE_NOT_SATISFIABLE, BLOB_RANGE_NOT_SATISFIABLE -> HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE;
            case MANIFEST_TOO_LARGE -> HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE;
            case UNAUTHORIZED -> HttpResponseStatus.UNAUTHORIZED;
            case DENIED, QUOTA_EXCEEDED -> HttpResponseStatus.FORBIDDEN;
            case UNSUPPORTED, METHOD_NOT_ALLOWED -> HttpResponseStatus.METHOD_NOT_ALLOWED;
            case TOOMANYREQUESTS -> HttpResponseStatus.TOO_MANY_REQUESTS;
            case INSUFFICIENT_STORAGE -> HttpResponseStatus.INSUFFICIENT_STORAGE;
        };
    }

    /** The status of a failure: its OCI code's. */
    public static HttpResponseStatus status(RegistryException error) {
        return status(ociCode(error));
    }

    /** The body {@code {"errors":[{"code","message","detail"}]}}. */
    public static byte[] body(RegistryException error) {
        return body(ociCode(error).wireCode(), error.getMessage(), error.detail());
    }

    /** The body of a 500: code {@code UNKNOWN} and the reference to quote, nothing of the cause. */
    public static byte[] body(UnexpectedFailure failure) {
        return body(UNKNOWN, failure.message(), null);
    }

    /**
     * A failure without an OCI code is the management plane's, and one reaching {@code /v2} is a bug: it is
     * refused here, to be answered as unexpected.
     */
    private static OciErrorCode ociCode(RegistryException error) {
        return error.ociCode()
                .orElseThrow(() -> new IllegalStateException("a failure without an OCI code reached /v2: " + error.code(), error));
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
