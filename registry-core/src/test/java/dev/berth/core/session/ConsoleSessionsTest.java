package dev.berth.core.session;

import dev.berth.core.auth.AdminLogin;
import dev.berth.core.auth.FailedLogins;
import dev.berth.core.auth.LoginEvents;
import dev.berth.core.auth.LoginThrottle;
import dev.berth.core.auth.SlowHashExecutor;
import dev.berth.core.error.Problem;
import dev.berth.core.error.RegistryException;
import dev.berth.core.testing.InMemoryConsoleSessionStore;
import dev.berth.core.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConsoleSessionsTest {
    private static final String TOKEN = "the-admin-token";
    private static final String ADDRESS = "192.0.2.1";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-02T03:04:05Z"));
    private final InMemoryConsoleSessionStore store = new InMemoryConsoleSessionStore();
    private final SlowHashExecutor hashes = new SlowHashExecutor(1, 4);
    private final ConsoleSessions sessions = new ConsoleSessions(store, new AdminLogin(TOKEN::equals,
            new FailedLogins(new LoginThrottle(3, Duration.ofMinutes(1), 100, clock),
                    new LoginThrottle(20, Duration.ofSeconds(10), 100, clock), LoginEvents.NONE), hashes), clock);

    @AfterEach
    void stop() {
        hashes.close();
    }

    @Test
    void opensASessionThatTheCookieFindsAndStoresOnlyItsHash() {
        OpenedSession opened = sessions.signIn(TOKEN, ADDRESS);

        assertThat(opened.cookieValue()).hasSizeGreaterThanOrEqualTo(43);
        assertThat(opened.session().idHash()).hasSize(64).isNotEqualTo(opened.cookieValue());
        assertThat(opened.session().csrfToken()).hasSizeGreaterThanOrEqualTo(43).isNotEqualTo(opened.cookieValue());
        assertThat(opened.session().expiresAt()).isEqualTo(clock.instant().plus(ConsoleSessions.LIFETIME));
        assertThat(sessions.find(opened.cookieValue())).contains(opened.session());
        assertThat(store.find(opened.cookieValue())).as("the cookie is not a key of the store").isEmpty();
    }

    @Test
    void eachSignInIsANewSessionWithItsOwnCsrfToken() {
        OpenedSession one = sessions.signIn(TOKEN, ADDRESS);
        OpenedSession two = sessions.signIn(TOKEN, ADDRESS);

        assertThat(two.cookieValue()).isNotEqualTo(one.cookieValue());
        assertThat(two.session().csrfToken()).isNotEqualTo(one.session().csrfToken());
    }

    @Test
    void refusesAWrongTokenAndThrottlesTheAddress() {
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> sessions.signIn("wrong", ADDRESS)).isInstanceOfSatisfying(RegistryException.class,
                    e -> assertThat(e.problem()).isEqualTo(Problem.UNAUTHENTICATED));
        }
        assertThatThrownBy(() -> sessions.signIn(TOKEN, ADDRESS)).isInstanceOfSatisfying(RegistryException.class,
                e -> assertThat(e.problem()).isEqualTo(Problem.THROTTLED));
        assertThatThrownBy(() -> sessions.signIn(null, "192.0.2.9")).isInstanceOf(RegistryException.class);
        assertThat(store.size()).isZero();
    }

    @Test
    void aSessionEndsAtItsExpiryOrSignOut() {
        OpenedSession expiring = sessions.signIn(TOKEN, ADDRESS);
        OpenedSession signedOut = sessions.signIn(TOKEN, ADDRESS);

        sessions.signOut(signedOut.session());
        clock.advance(ConsoleSessions.LIFETIME.minusSeconds(1));
        assertThat(sessions.find(expiring.cookieValue())).isPresent();
        assertThat(sessions.find(signedOut.cookieValue())).isEmpty();
        clock.advance(Duration.ofSeconds(1));
        assertThat(sessions.find(expiring.cookieValue())).isEmpty();
    }

    @Test
    void signInDropsExpiredSessions() {
        sessions.signIn(TOKEN, ADDRESS);
        clock.advance(ConsoleSessions.LIFETIME);
        sessions.signIn(TOKEN, ADDRESS);

        assertThat(store.size()).isEqualTo(1);
    }

    @Test
    void findsNothingForAMissingOrOversizedCookie() {
        assertThat(sessions.find(null)).isEmpty();
        assertThat(sessions.find("")).isEmpty();
        assertThat(sessions.find("x".repeat(4096))).isEmpty();
    }

    @Test
    void comparesTheCsrfToken() {
        ConsoleSession session = sessions.signIn(TOKEN, ADDRESS).session();

        assertThat(ConsoleSessions.csrfMatches(session, session.csrfToken())).isTrue();
        assertThat(ConsoleSessions.csrfMatches(session, session.csrfToken() + "x")).isFalse();
        assertThat(ConsoleSessions.csrfMatches(session, null)).isFalse();
    }
}
