package dev.berth.core.session;

import dev.berth.core.testing.StoreContract;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** What every {@link ConsoleSessionStore} does. An implementation's test extends this with its {@link #open}. */
public abstract class ConsoleSessionStoreContract extends StoreContract {
    private static ConsoleSession session(String hash, Instant created, Duration lifetime) {
        return new ConsoleSession(hash, "csrf-" + hash.substring(0, 8), created, created.plus(lifetime));
    }

    @Test
    void findsAStoredSessionByItsHash() {
        Instant created = Instant.parse("2025-03-04T05:06:07Z");
        ConsoleSession stored = session("a".repeat(64), created, Duration.ofHours(12));
        sessions.insert(stored);

        assertThat(sessions.find("a".repeat(64))).contains(stored);
        assertThat(sessions.find("b".repeat(64))).isEmpty();
    }

    @Test
    void deletesOneSession() {
        sessions.insert(session("a".repeat(64), NOW, Duration.ofHours(1)));
        sessions.insert(session("b".repeat(64), NOW, Duration.ofHours(1)));

        assertThat(sessions.delete("a".repeat(64))).isTrue();
        assertThat(sessions.delete("a".repeat(64))).isFalse();
        assertThat(sessions.find("a".repeat(64))).isEmpty();
        assertThat(sessions.find("b".repeat(64))).isPresent();
    }

    @Test
    void deletesTheExpiredSessionsOnly() {
        sessions.insert(session("a".repeat(64), NOW, Duration.ofMinutes(1)));
        sessions.insert(session("b".repeat(64), NOW, Duration.ofMinutes(2)));
        sessions.insert(session("c".repeat(64), NOW, Duration.ofMinutes(3)));

        assertThat(sessions.deleteExpired(NOW.plus(Duration.ofMinutes(2)))).isEqualTo(2);
        assertThat(sessions.find("c".repeat(64))).isPresent();
        assertThat(sessions.find("b".repeat(64))).isEmpty();
    }

    @Test
    void deletesEverySession() {
        sessions.insert(session("a".repeat(64), NOW, Duration.ofHours(1)));
        sessions.insert(session("b".repeat(64), NOW, Duration.ofHours(1)));

        assertThat(sessions.deleteAll()).isEqualTo(2);
        assertThat(sessions.find("a".repeat(64))).isEmpty();
        assertThat(sessions.deleteAll()).isZero();
    }
}
