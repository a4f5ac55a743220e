package dev.berth.management;

import dev.berth.core.auth.AdminLogin;
import dev.berth.core.auth.AdminTokenVerifier;
import dev.berth.core.auth.FailedLogins;
import dev.berth.core.auth.LoginEvents;
import dev.berth.core.auth.LoginThrottle;
import dev.berth.core.auth.SlowHashExecutor;
import dev.berth.core.session.ConsoleSessions;
import dev.berth.core.testing.InMemoryConsoleSessionStore;

import java.time.Clock;
import java.time.Duration;

/** Admin logins over a given verifier, with the server's default limits, for tests of the API. */
final class TestAdminLogin {
    static final String ADDRESS = "192.0.2.1";

    private TestAdminLogin() {
    }

    /** Console sessions, in memory, opened with that admin login. */
    static ConsoleSessions sessions(AdminLogin login) {
        return new ConsoleSessions(new InMemoryConsoleSessionStore(), login, Clock.systemUTC());
    }

    static AdminLogin of(AdminTokenVerifier verifier) {
        return of(verifier, 10, Clock.systemUTC());
    }

    /** With {@code perAddress} failures allowed per address and minute, on the given clock. */
    static AdminLogin of(AdminTokenVerifier verifier, int perAddress, Clock clock) {
        FailedLogins failures = new FailedLogins(new LoginThrottle(perAddress, Duration.ofMinutes(1), 1000, clock),
                new LoginThrottle(20, Duration.ofSeconds(10), 1000, clock), LoginEvents.NONE);
        return new AdminLogin(verifier, failures, new SlowHashExecutor(1, 4));
    }
}
