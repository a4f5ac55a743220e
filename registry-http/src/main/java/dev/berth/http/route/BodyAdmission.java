package dev.berth.http.route;

import io.netty.handler.codec.http.FullHttpResponse;

/**
 * What an aggregated route checks from a request's head before it reads a byte of the body, and how it
 * refuses: each API answers in its own error format (OCI errors on {@code /v2}, problem JSON on {@code /api/v1}).
 */
public interface BodyAdmission {
    /**
     * Authenticates and authorizes the request from its head: null when its body may be read, otherwise the
     * answer refusing it. May block (a first credential check hashes slowly); an unexpected failure is thrown.
     */
    FullHttpResponse refusal(RequestContext request);

    /** The answer to a body longer than the route takes. */
    FullHttpResponse tooLarge(int maxBodyBytes);

    /** The answer to a body whose chunked encoding broke off unreadably. */
    FullHttpResponse malformed();
}
