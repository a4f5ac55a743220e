package dev.berth.management.route;

import dev.berth.core.auth.AdminLogin;
import dev.berth.core.error.Problem;
import dev.berth.core.error.RegistryException;
import dev.berth.core.session.ConsoleSession;
import dev.berth.core.session.ConsoleSessions;
import dev.berth.management.session.SessionCookie;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;

/**
 * Checks that a management call comes from the admin: {@code Authorization: Bearer <admin token>}, or the
 * console's session cookie. Every refusal says the same thing, whether the header is missing, malformed or
 * holds a wrong token. {@link AdminLogin} remembers what it has verified, so the slow hash is not paid on every
 * call, and counts malformed and wrong tokens against the client's address: a client over its limit is refused
 * with 429 ({@link RegistryException#throttled}) before anything is hashed. A call without any
 * {@code Authorization} header is no login attempt and is not counted.
 *
 * <p>A browser sends the cookie with whatever request a page makes it send, so a call that changes something
 * under a session must also carry the session's CSRF token in {@value #CSRF_HEADER}, which only a page of the
 * console can read (from {@code GET /api/v1/session}); the cookie's {@code SameSite=Strict} already keeps it off
 * requests from other sites, and the token holds where a browser does not honour that. A Bearer call needs no
 * CSRF token: a browser never adds that header by itself.
 */
public final class AdminAuthentication {
    public static final String CSRF_HEADER = "X-CSRF-Token";
    private static final String BEARER = "bearer ";
    private static final String API = "management";

    private final AdminLogin adminLogin;
    private final ConsoleSessions sessions;

    public AdminAuthentication(AdminLogin adminLogin, ConsoleSessions sessions) {
        this.adminLogin = adminLogin;
        this.sessions = sessions;
    }

    /**
     * Returns the console session the call was made in, or null for a Bearer call; {@code UNAUTHENTICATED} (401)
     * when neither is valid, {@code DENIED} (403) for a state-changing session call without its CSRF token.
     */
    public ConsoleSession check(HttpMethod method, HttpHeaders headers, String clientAddress) {
        String authorization = headers == null ? null : headers.get(HttpHeaderNames.AUTHORIZATION);
        if (authorization != null) {
            String token = authorization.length() > BEARER.length() && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
                    ? authorization.substring(BEARER.length()).trim() : null;
            if (!adminLogin.check(token, API, clientAddress, null)) {
                throw refused();
            }
            return null;
        }
        ConsoleSession session = sessions.find(SessionCookie.valueIn(headers)).orElseThrow(AdminAuthentication::refused);
        if (changesState(method) && !ConsoleSessions.csrfMatches(session, headers.get(CSRF_HEADER))) {
            throw new RegistryException(Problem.DENIED, "CSRF_TOKEN_INVALID",
                    "a call that changes something in a console session must send the session's " + CSRF_HEADER);
        }
        return session;
    }

    /**
     * The live console session the call's cookie opens, or null, refusing nothing: what an open route (which
     * anyone may call) learns of its caller.
     */
    public ConsoleSession sessionIfAny(HttpHeaders headers) {
        return sessions.find(SessionCookie.valueIn(headers)).orElse(null);
    }

    private static boolean changesState(HttpMethod method) {
        return !(method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD) || method.equals(HttpMethod.OPTIONS));
    }

    private static RegistryException refused() {
        return new RegistryException(Problem.UNAUTHENTICATED, "UNAUTHORIZED",
                "a valid admin token is required: send 'Authorization: Bearer <token>', or sign in to the console");
    }
}
