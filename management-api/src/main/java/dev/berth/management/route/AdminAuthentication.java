package dev.berth.management.route;

import dev.berth.core.auth.AdminTokenVerifier;
import dev.berth.core.error.ManagementException;
import dev.berth.core.error.ProblemKind;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * Checks {@code Authorization: Bearer <admin token>} on a management call. Every refusal says the same
 * thing, whether the header is missing, malformed or holds a wrong token; the verifier caches what it has
 * verified, so the slow hash is not paid on every call.
 */
public final class AdminAuthentication {
    private static final String BEARER = "bearer ";

    private final AdminTokenVerifier verifier;

    public AdminAuthentication(AdminTokenVerifier verifier) {
        this.verifier = verifier;
    }

    /** Returns normally for the admin; {@code UNAUTHENTICATED} (401) otherwise. */
    public void check(HttpHeaders headers) {
        String authorization = headers == null ? null : headers.get(HttpHeaderNames.AUTHORIZATION);
        if (authorization == null || authorization.length() <= BEARER.length()
                || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw refused();
        }
        String token = authorization.substring(BEARER.length()).trim();
        if (token.isEmpty() || !verifier.matches(token)) {
            throw refused();
        }
    }

    private static ManagementException refused() {
        return new ManagementException(ProblemKind.UNAUTHENTICATED, "UNAUTHORIZED",
                "a valid admin token is required: send 'Authorization: Bearer <token>'");
    }
}
