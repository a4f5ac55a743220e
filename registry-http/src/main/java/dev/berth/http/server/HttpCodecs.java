package dev.berth.http.server;

import io.netty.handler.codec.http.HttpServerCodec;

/**
 * The HTTP/1.1 codec every connection gets, with the limits on what a request head may hold, in one place for
 * the pipeline and for the tests that rebuild it on an embedded channel.
 */
public final class HttpCodecs {
    /** The request line: long enough for any repository name and query the endpoints take. */
    private static final int MAX_INITIAL_LINE = 8192;
    private static final int MAX_HEADER_BYTES = 16 * 1024;
    /** The largest piece of a body handed on at once; bodies themselves stream without a limit here. */
    private static final int MAX_CHUNK_BYTES = 1024 * 1024;

    private HttpCodecs() {
    }

    /** A new server codec for one connection. */
    public static HttpServerCodec serverCodec() {
        return new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_BYTES, MAX_CHUNK_BYTES);
    }
}
