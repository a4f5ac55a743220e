package dev.berth.core.auth;

import dev.berth.core.error.RegistryException;

import java.time.Duration;
import java.util.Optional;

/**
 * The failed-login policy shared by {@code /v2} and the management API: failures are counted per client
 * address and per user name, and a client over either limit is refused before its credentials are checked.
 *
 * <p>The per-user limit exists against guessing one user's secret from many addresses. So that it cannot
 * lock a user out (anyone may send failures for {@code admin}), it applies only to addresses that have
 * themselves failed within their window: a client with a clean record is never held back by what others
 * did under the same name. Its window is meant to be short: it slows guessing, it does not ban.
 */
public final class FailedLogins {
    private final LoginThrottle byAddress;
    private final LoginThrottle byUser;
    private final LoginEvents events;

    public FailedLogins(LoginThrottle byAddress, LoginThrottle byUser, LoginEvents events) {
        this.byAddress = byAddress;
        this.byUser = byUser;
        this.events = events;
    }

    /**
     * Returns normally when the client may try to log in; a {@link RegistryException#throttled} otherwise.
     *
     * @param user the user name tried, or null when the credentials name none (the management bearer token)
     */
    public void checkAllowed(String api, String address, String user) {
        Optional<Duration> wait = byAddress.retryAfter(address);
        String reason = "address";
        if (wait.isEmpty() && user != null && byAddress.hasFailed(address)) {
            wait = byUser.retryAfter(user);
            reason = "user";
        }
        if (wait.isPresent()) {
            events.throttled(api, reason);
            throw RegistryException.throttled("too many failed logins from this client", wait.get());
        }
    }

    /** Counts a refused login against the address and, when the credentials named one, the user. */
    public void failed(String api, String reason, String address, String user) {
        byAddress.failed(address);
        if (user != null) {
            byUser.failed(user);
        }
        events.failed(api, reason);
    }

    /** Reports a login refused because the slow hash had no room for it. */
    public void saturated(String api) {
        events.throttled(api, "busy");
    }
}
