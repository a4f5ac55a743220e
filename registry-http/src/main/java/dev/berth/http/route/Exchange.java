package dev.berth.http.route;

import io.netty.handler.codec.http.HttpContent;

/**
 * How one request's body is consumed: aggregated for small bodies, streamed for blobs. Called on the
 * event loop.
 */
public interface Exchange {
    /** Takes ownership of one piece of the body. */
    void content(HttpContent content);

    /** True once the last piece of the body has arrived. */
    boolean bodyComplete();

    /** True while the exchange wants the connection to stop reading (disk behind). */
    default boolean paused() {
        return false;
    }

    /**
     * The body broke off in a way the HTTP decoder could not read (a malformed chunk-size line): this takes
     * the place of its last piece. The exchange answers a 400 and must not act on the part it received.
     */
    void bodyMalformed();

    /** The connection closed before the exchange finished. */
    void channelClosed();
}
