package dev.berth.management;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;

/**
 * One management request, aggregated: Netty's method and headers, and the body already copied out of any
 * reference-counted buffer, so that nothing here needs releasing.
 *
 * @param uri the raw request URI with its query, starting with {@code /api/v1}
 * @param body the body bytes, empty when there is none; not copied, never modified
 * @param clientAddress the client's IP address, which failed admin logins are counted against
 * @param secure whether it came over TLS: a session cookie is then marked {@code Secure}
 */
public record ManagementRequest(HttpMethod method, String uri, HttpHeaders headers, byte[] body, String clientAddress,
                                boolean secure) {
    public ManagementRequest {
        body = body == null ? new byte[0] : body;
    }

    /** A request over plain HTTP. */
    public ManagementRequest(HttpMethod method, String uri, HttpHeaders headers, byte[] body, String clientAddress) {
        this(method, uri, headers, body, clientAddress, false);
    }
}
