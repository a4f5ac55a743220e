package dev.berth.http.route;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.berth.core.error.Problem;
import dev.berth.core.error.RegistryException;
import dev.berth.core.error.UnexpectedFailure;
import dev.berth.http.error.OciErrorResponses;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;

/** Builds the registry's responses: every one carries the distribution API version header. */
public final class Responses {
    public static final AsciiString API_VERSION = AsciiString.cached("Docker-Distribution-API-Version");
    public static final AsciiString API_VERSION_VALUE = AsciiString.cached("registry/2.0");
    public static final AsciiString CONTENT_DIGEST = AsciiString.cached("Docker-Content-Digest");
    public static final AsciiString UPLOAD_UUID = AsciiString.cached("Docker-Upload-UUID");
    public static final AsciiString OCI_SUBJECT = AsciiString.cached("OCI-Subject");
    public static final AsciiString OCI_TAG = AsciiString.cached("OCI-Tag");
    public static final AsciiString OCI_CHUNK_MIN_LENGTH = AsciiString.cached("OCI-Chunk-Min-Length");
    public static final AsciiString OCI_FILTERS_APPLIED = AsciiString.cached("OCI-Filters-Applied");
    /** The challenge {@code docker login} understands: Basic, with the registry's realm. */
    public static final AsciiString CHALLENGE = AsciiString.cached("Basic realm=\"Berth\"");
    public static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private Responses() {
    }

    /** A response with no body. */
    public static FullHttpResponse empty(HttpResponseStatus status) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER);
        response.headers().set(API_VERSION, API_VERSION_VALUE).setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        return response;
    }

    /** A response with the given bytes; the array is wrapped, not copied, so it must not change afterwards. */
    public static FullHttpResponse bytes(HttpResponseStatus status, CharSequence contentType, byte[] body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        response.headers()
                .set(API_VERSION, API_VERSION_VALUE)
                .set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return response;
    }

    public static FullHttpResponse json(HttpResponseStatus status, Object value) {
        return bytes(status, HttpHeaderValues.APPLICATION_JSON, toJson(value));
    }

    public static byte[] toJson(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("response not serialisable", e);
        }
    }

    /** The OCI error answer to a failure, with the challenge on a 401 and {@code Retry-After} when it says to wait. */
    public static FullHttpResponse error(RegistryException error) {
        FullHttpResponse response = bytes(OciErrorResponses.status(error), HttpHeaderValues.APPLICATION_JSON,
                OciErrorResponses.body(error));
        if (error.problem() == Problem.UNAUTHENTICATED) {
            response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, CHALLENGE);
        }
        if (error.retryAfterSeconds() > 0) {
            response.headers().set(HttpHeaderNames.RETRY_AFTER, error.retryAfterSeconds());
        }
        return response;
    }

    /** The 500 answer to a failure the registry did not expect. */
    public static FullHttpResponse internalError(UnexpectedFailure failure) {
        return bytes(HttpResponseStatus.INTERNAL_SERVER_ERROR, HttpHeaderValues.APPLICATION_JSON, OciErrorResponses.body(failure));
    }
}
