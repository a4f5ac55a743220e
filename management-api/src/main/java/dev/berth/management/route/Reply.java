package dev.berth.management.route;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * A successful answer: its status and the record to write as JSON, or no body for a 204.
 *
 * @param body null only for {@link #noContent()}
 */
public record Reply(HttpResponseStatus status, Object body) {
    public static Reply ok(Object body) {
        return new Reply(HttpResponseStatus.OK, body);
    }

    public static Reply created(Object body) {
        return new Reply(HttpResponseStatus.CREATED, body);
    }

    public static Reply noContent() {
        return new Reply(HttpResponseStatus.NO_CONTENT, null);
    }
}
