package dev.berth.core.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.berth.core.error.RegistryException;
import dev.berth.core.memory.MemoryOnly;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks a presented admin token, for {@code /v2} (user {@code admin}) and the management API (bearer) alike.
 *
 * <p>The token's hash is deliberately slow, so a token once verified is remembered (in memory) for a
 * while: a hit hashes nothing and is never throttled, and only the exact token verified hits. Anything
 * else is a login attempt: refused outright when its client has failed too often ({@link FailedLogins}),
 * otherwise hashed on the {@link SlowHashExecutor}, and counted as a failure when wrong.
 *
 * <p>A token already being hashed is not hashed again: checks of the same token that arrive meanwhile wait for that
 * hash's answer and take no room on the pool. Thirty-two CI jobs that log in with the admin token at the same
 * moment cost one hash, not thirty-two (of which all but a few would have found the pool full and been answered
 * 429). Each waiting check still counts as its client's attempt: a wrong token fails for every client that sent it.
 */
public final class AdminLogin {
    /** How long a saturated hash pool asks clients to wait: one check takes tens of milliseconds. */
    private static final Duration SATURATED_WAIT = Duration.ofSeconds(1);

    private final AdminTokenVerifier slowCheck;
    private final FailedLogins failures;
    private final SlowHashExecutor hashes;
    private final Cache<String, Boolean> verified = Caffeine.newBuilder()
            .maximumSize(16)
            .expireAfterAccess(Duration.ofMinutes(30))
            .build();
    /** The hashes under way, by token: at most the pool's threads and queue. */
    private final Map<String, CompletableFuture<Boolean>> hashing = new ConcurrentHashMap<>();

    public AdminLogin(AdminTokenVerifier slowCheck, FailedLogins failures, SlowHashExecutor hashes) {
        this.slowCheck = slowCheck;
        this.failures = failures;
        this.hashes = hashes;
    }

    /**
     * True when {@code token} is the admin token. Throws {@link RegistryException#throttled} when the client may
     * not try now, or the hash pool has no room for the check.
     *
     * @param token the token presented, null or empty when the credentials were malformed
     * @param api {@code v2} or {@code management}, for the metrics
     * @param address the client's address
     * @param user the user name the credentials named ({@code admin} on /v2), or null (the bearer token)
     */
    public boolean check(String token, String api, String address, String user) {
        if (token != null && verified.getIfPresent(token) != null) {
            return true;
        }
        MemoryOnly.checkMayLoad();
        failures.checkAllowed(api, address, user);
        if (token == null || token.isEmpty()) {
            failures.failed(api, "malformed", address, user);
            return false;
        }
        boolean matches;
        try {
            matches = hashOnce(token);
        } catch (SlowHashExecutor.Saturated e) {
            failures.saturated(api);
            throw RegistryException.throttled("too many logins are being checked", SATURATED_WAIT);
        }
        if (matches) {
            verified.put(token, Boolean.TRUE);
        } else {
            failures.failed(api, "wrong_admin_token", address, user);
        }
        return matches;
    }

    /** The slow check of {@code token}, or the answer of the one already under way. */
    private boolean hashOnce(String token) {
        CompletableFuture<Boolean> mine = new CompletableFuture<>();
        CompletableFuture<Boolean> underWay = hashing.putIfAbsent(token, mine);
        if (underWay != null) {
            try {
                return underWay.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException cause ? cause : e;
            }
        }
        try {
            boolean matches = hashes.run(() -> slowCheck.matches(token));
            mine.complete(matches);
            return matches;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            hashing.remove(token, mine);
        }
    }
}
