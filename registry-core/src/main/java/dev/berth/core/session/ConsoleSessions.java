package dev.berth.core.session;

import dev.berth.core.auth.AdminLogin;
import dev.berth.core.error.Problem;
import dev.berth.core.error.RegistryException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Opens, finds and ends console sessions. Signing in is an admin login like a Bearer call: the same token
 * check, the same count of failures against the client's address. A session lasts {@link #LIFETIME} from
 * sign-in, whatever is done in it, so that a stolen cookie is worth a bounded time; it is looked up in the
 * store on every call (management calls are few), so that a sign-out on one node ends it on all.
 */
public final class ConsoleSessions {
    public static final Duration LIFETIME = Duration.ofHours(12);
    private static final String API = "console";
    private static final int TOKEN_BYTES = 32;

    private final ConsoleSessionStore store;
    private final AdminLogin adminLogin;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public ConsoleSessions(ConsoleSessionStore store, AdminLogin adminLogin, Clock clock) {
        this.store = store;
        this.adminLogin = adminLogin;
        this.clock = clock;
    }

    /**
     * Opens a session for the holder of the admin token; {@code UNAUTHENTICATED} for a wrong one (counted
     * against {@code address}, and {@code THROTTLED} once it is over its limit). Drops expired sessions, so
     * that the store holds no more than the sessions opened within a lifetime.
     */
    public OpenedSession signIn(String adminToken, String address) {
        if (!adminLogin.check(adminToken, API, address, null)) {
            throw new RegistryException(Problem.UNAUTHENTICATED, "UNAUTHORIZED", "the admin token is not valid");
        }
        Instant now = clock.instant();
        store.deleteExpired(now);
        String cookie = newToken();
        ConsoleSession session = new ConsoleSession(hash(cookie), newToken(), now, now.plus(LIFETIME));
        store.insert(session);
        return new OpenedSession(cookie, session);
    }

    /** The live session the cookie value opens; empty when there is none or it has expired. */
    public Optional<ConsoleSession> find(String cookieValue) {
        if (cookieValue == null || cookieValue.isEmpty() || cookieValue.length() > 128) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        return store.find(hash(cookieValue)).filter(session -> !session.isExpired(now));
    }

    /** Ends the session; nothing happens for one that does not exist. */
    public void signOut(ConsoleSession session) {
        store.delete(session.idHash());
    }

    /** Whether {@code sent} is the session's CSRF token, compared in constant time. */
    public static boolean csrfMatches(ConsoleSession session, String sent) {
        return sent != null && MessageDigest.isEqual(session.csrfToken().getBytes(StandardCharsets.US_ASCII),
                sent.getBytes(StandardCharsets.US_ASCII));
    }

    private String newToken() {
        byte[] bytes = new byte[TOKEN_BYTES];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String hash(String cookieValue) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(cookieValue.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
