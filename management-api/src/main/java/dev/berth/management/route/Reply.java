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

    /** The answer to a request that started work going on in the background. */
    public static Reply accepted(Object body) {
        return new Reply(HttpResponseStatus.ACCEPTED, body);
    }

    public static Reply noContent() {
        return new Reply(HttpResponseStatus.NO_CONTENT, null);
    }
}
