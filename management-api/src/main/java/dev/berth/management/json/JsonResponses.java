package dev.berth.management.json;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/**
 * Builds the management API's responses: JSON with {@code Content-Type} and {@code Content-Length}, and
 * {@code Cache-Control: no-store} because answers carry secrets (a new user's) and live state.
 */
public final class JsonResponses {
    private JsonResponses() {
    }

    public static FullHttpResponse json(HttpResponseStatus status, Object value) {
        return bytes(status, Json.write(value));
    }

    /** A JSON response of these bytes; the array is wrapped, not copied, so it must not change afterwards. */
    public static FullHttpResponse bytes(HttpResponseStatus status, byte[] body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        return response;
    }

    /**
     * A 204. It carries neither a body nor {@code Content-Length}/{@code Content-Type}: RFC 9110 forbids
     * {@code Content-Length} on a 204, and Netty knows a 204 ends at its headers.
     */
    public static FullHttpResponse noContent() {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT,
                Unpooled.EMPTY_BUFFER);
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        return response;
    }
}
