package dev.berth.management.route;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * A successful answer: its status and the record to write as JSON, or no body for a 204, and a cookie to set.
 *
 * @param body null only for {@link #noContent()}
 * @param setCookie a {@code Set-Cookie} value, or null for none
 */
public record Reply(HttpResponseStatus status, Object body, String setCookie) {
    public static Reply ok(Object body) {
        return new Reply(HttpResponseStatus.OK, body, null);
    }

    public static Reply created(Object body) {
        return new Reply(HttpResponseStatus.CREATED, body, null);
    }

    /** The answer to a request that started work going on in the background. */
    public static Reply accepted(Object body) {
        return new Reply(HttpResponseStatus.ACCEPTED, body, null);
    }

    public static Reply noContent() {
        return new Reply(HttpResponseStatus.NO_CONTENT, null, null);
    }

    /** This answer, also setting a cookie. */
    public Reply withCookie(String setCookie) {
        return new Reply(status, body, setCookie);
    }
}
