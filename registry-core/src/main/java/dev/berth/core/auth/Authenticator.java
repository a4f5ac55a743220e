package dev.berth.core.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.berth.core.error.OciErrorCode;
import dev.berth.core.error.RegistryException;
import dev.berth.core.memory.CacheFootprint;
import dev.berth.core.memory.HeapEstimate;
import dev.berth.core.memory.MemoryOnly;
import dev.berth.core.user.User;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

/**
 * Turns an {@code Authorization: Basic} header into a {@link Principal}.
 *
 * <p>A verified header is cached with the secret hash it matched, so a cache hit hashes nothing; it is
 * trusted only while the live user (from {@link UserDirectory}) still exists, is enabled, has not expired
 * and still has that very secret hash. A refresh, disable, expiry or delete therefore refuses the next
 * request whatever the cache holds. Every refusal says the same thing, so that it never reveals whether
 * a user exists.
 *
 * <p>Every refused login counts against its client address and user name ({@link FailedLogins}). A client
 * over its limit is answered {@code TOOMANYREQUESTS} before the admin token is hashed. A user's secret is
 * still checked for such a client: that check is one SHA-256 of a secret with over 200 random bits, so it
 * costs nothing and guessing gains nothing, and a robot behind the same address (a shared NAT, a CI host)
 * as someone failing keeps working. Only a wrong secret from such a client is answered 429 then.
 */
public final class Authenticator {
    private static final String BASIC = "basic ";
    private static final String EMPTY_CREDENTIALS = Base64.getEncoder().encodeToString(":".getBytes(StandardCharsets.UTF_8));

    private final UserDirectory users;
    private final SecretHasher hasher;
    private static final String API = "v2";

    private final AdminLogin adminLogin;
    private final FailedLogins failures;
    private final Clock clock;
    private final Cache<String, Verified> verified;

    /** What a cached header was verified as: the admin, or a user id and the secret hash it matched. */
    private record Verified(String userId, String secretHash) {
    }

    /** @param cacheBytes the heap that credentials verified lately may take (their headers and what they matched) */
    public Authenticator(UserDirectory users, SecretHasher hasher, AdminLogin adminLogin, FailedLogins failures, Clock clock,
                         long cacheBytes) {
        this.verified = Caffeine.newBuilder()
                .maximumWeight(cacheBytes)
                .weigher((String header, Verified match) -> HeapEstimate.CACHE_ENTRY + HeapEstimate.SMALL_OBJECT
                        + HeapEstimate.string(header) + HeapEstimate.string(match.userId())
                        + HeapEstimate.string(match.secretHash()))
                .expireAfterAccess(Duration.ofMinutes(10))
                .build();
        this.users = users;
        this.hasher = hasher;
        this.adminLogin = adminLogin;
        this.failures = failures;
        this.clock = clock;
    }

    /** What the cache of verified credentials holds, for the metrics. */
    public CacheFootprint footprint() {
        return new CacheFootprint("credentials", verified);
    }

    /**
     * The principal of a request: empty without an {@code Authorization} header; {@code UNAUTHORIZED} for
     * credentials that are malformed, wrong, disabled or expired; {@code TOOMANYREQUESTS} (with a wait) when
     * the client has failed too often lately.
     *
     * @param address the client's address, which failed logins are counted against
     */
    public Optional<Principal> authenticate(String authorization, String address) {
        if (authorization == null || authorization.isBlank()) {
            return Optional.empty();
        }
        if (isEmptyBasic(authorization)) {
            // podman and containers/image send "Basic " + base64(":") when they hold no credentials: that is anonymous.
            return Optional.empty();
        }
        Verified hit = verified.getIfPresent(authorization);
        if (hit != null) {
            Optional<Principal> principal = stillValid(hit);
            if (principal.isPresent()) {
                return principal;
            }
            verified.invalidate(authorization);
        }
        return Optional.of(verify(authorization, address));
    }

    private Optional<Principal> stillValid(Verified hit) {
        if (hit.userId() == null) {
            return Optional.of(Principal.ADMIN_PRINCIPAL);
        }
        return users.byId(hit.userId())
                .filter(user -> user.secretHash().equals(hit.secretHash()) && usable(user))
                .map(user -> new Principal(user.name(), user));
    }

    private Principal verify(String authorization, String address) {
        MemoryOnly.checkMayLoad();
        String[] credentials = decodeBasic(authorization);
        if (credentials == null) {
            throw failed("malformed", address, null);
        }
        String name = credentials[0];
        String secret = credentials[1];
        if (name.equals(Principal.ADMIN)) {
            if (!adminLogin.check(secret, API, address, Principal.ADMIN)) {
                throw refused();
            }
            verified.put(authorization, new Verified(null, null));
            return Principal.ADMIN_PRINCIPAL;
        }
        User user = users.byName(name).orElse(null);
        if (user == null) {
            throw failed("unknown_user", address, name);
        }
        if (!hasher.matches(secret, user.secretHash())) {
            throw failed("wrong_secret", address, name);
        }
        if (!usable(user)) {
            // The secret was right: a disabled or expired robot that a CI host keeps using is not guessing, and
            // counting it against the address would throttle everyone behind that address (the admin included).
            throw refused();
        }
        verified.put(authorization, new Verified(user.id(), user.secretHash()));
        return new Principal(user.name(), user);
    }

    /** Counts a refused login (or refuses it as throttled) and returns the refusal to throw. */
    private RegistryException failed(String reason, String address, String user) {
        failures.checkAllowed(API, address, user);
        failures.failed(API, reason, address, user);
        return refused();
    }

    private boolean usable(User user) {
        return user.enabled() && !user.expired(clock.instant());
    }

    private static boolean isEmptyBasic(String authorization) {
        if (!authorization.regionMatches(true, 0, BASIC, 0, BASIC.length())) {
            return false;
        }
        // As trim() would, without copying the header on every request.
        int start = BASIC.length();
        int end = authorization.length();
        while (start < end && authorization.charAt(start) <= ' ') {
            start++;
        }
        while (end > start && authorization.charAt(end - 1) <= ' ') {
            end--;
        }
        return end - start == EMPTY_CREDENTIALS.length() && authorization.startsWith(EMPTY_CREDENTIALS, start);
    }

    /** The user name and secret of a Basic header; null when it is not one. */
    private static String[] decodeBasic(String authorization) {
        if (authorization.length() <= BASIC.length() || !authorization.regionMatches(true, 0, BASIC, 0, BASIC.length())) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(BASIC.length()).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0) {
            return null;
        }
        return new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
    }

    private static RegistryException refused() {
        return new RegistryException(OciErrorCode.UNAUTHORIZED, "authentication required: invalid username or secret");
    }
}
