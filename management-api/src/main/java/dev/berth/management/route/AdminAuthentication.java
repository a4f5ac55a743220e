package dev.berth.management.route;

import dev.berth.core.auth.AdminLogin;
import dev.berth.core.error.Problem;
import dev.berth.core.error.RegistryException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * Checks {@code Authorization: Bearer <admin token>} on a management call. Every refusal says the same
 * thing, whether the header is missing, malformed or holds a wrong token. {@link AdminLogin} remembers what
 * it has verified, so the slow hash is not paid on every call, and counts malformed and wrong tokens against
 * the client's address: a client over its limit is refused with 429 ({@link dev.berth.core.error.RegistryException#throttled})
 * before anything is hashed. A call without any {@code Authorization} header is no login attempt and is
 * not counted.
 */
public final class AdminAuthentication {
    private static final String BEARER = "bearer ";

    private static final String API = "management";

    private final AdminLogin adminLogin;

    public AdminAuthentication(AdminLogin adminLogin) {
        this.adminLogin = adminLogin;
    }

    /** Returns normally for the admin; {@code UNAUTHENTICATED} (401) otherwise. */
    public void check(HttpHeaders headers, String clientAddress) {
        String authorization = headers == null ? null : headers.get(HttpHeaderNames.AUTHORIZATION);
        if (authorization == null) {
            throw refused();
        }
        String token = authorization.length() > BEARER.length() && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
                ? authorization.substring(BEARER.length()).trim() : null;
        if (!adminLogin.check(token, API, clientAddress, null)) {
            throw refused();
        }
    }

    private static RegistryException refused() {
        return new RegistryException(Problem.UNAUTHENTICATED, "UNAUTHORIZED",
                "a valid admin token is required: send 'Authorization: Bearer <token>'");
    }
}
