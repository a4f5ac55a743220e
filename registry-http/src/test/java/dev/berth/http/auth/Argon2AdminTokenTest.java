package dev.berth.http.auth;

import dev.berth.core.listing.Listing;
import dev.berth.core.listing.PageRequest;
import dev.berth.core.user.User;
import dev.berth.core.user.UserStatus;
import dev.berth.core.user.UserStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class Argon2AdminTokenTest {
    /** The settings half of a user store, in a map; the users half is not needed here. */
    private static final class InMemorySettings implements UserStore {
        final Map<String, String> settings = new HashMap<>();
        int writes;

        @Override
        public Optional<String> setting(String key) {
            return Optional.ofNullable(settings.get(key));
        }

        @Override
        public void putSetting(String key, String value) {
            writes++;
            settings.put(key, value);
        }

        @Override
        public boolean insert(User user) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean update(User user) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean delete(String id) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<User> find(String id) {
            return Optional.empty();
        }

        @Override
        public Optional<User> findByName(String name) {
            return Optional.empty();
        }

        @Override
        public Listing<User> list(PageRequest page, String registry, UserStatus status, Instant now) {
            return new Listing<>(0, List.of());
        }

        @Override
        public List<User> all() {
            return List.of();
        }
    }

    /** How often a test's initialise said the stored token was replaced. */
    private final AtomicInteger replacements = new AtomicInteger();
    private final InMemorySettings settings = new InMemorySettings();
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

    private String stored() {
        return settings.settings.get(Argon2AdminToken.SETTING);
    }

    private String output() {
        return printed.toString(StandardCharsets.UTF_8);
    }

    @Test
    void matchesTheTokenItHashed() {
        String stored = Argon2AdminToken.hash("correct horse");

        assertThat(stored).startsWith("argon2id$v=19$").doesNotContain("correct horse");
        assertThat(Argon2AdminToken.matches("correct horse", stored)).isTrue();
        assertThat(Argon2AdminToken.matches("correct horsf", stored)).isFalse();
        assertThat(Argon2AdminToken.matches("", stored)).isFalse();
    }

    @Test
    void saltsEveryHash() {
        assertThat(Argon2AdminToken.hash("t")).isNotEqualTo(Argon2AdminToken.hash("t"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"", "plain", "argon2id$v=19$m=1024,t=1,p=1$AAAA", "argon2i$v=19$m=1024,t=1,p=1$AAAA$AAAA",
            "argon2id$v=16$m=1024,t=1,p=1$AAAA$AAAA", "argon2id$v=19$m=x,t=1,p=1$AAAA$AAAA", "argon2id$v=19$q=1$AAAA$AAAA",
            "argon2id$v=19$m=1024,t=1,p=1$!!!$AAAA", "argon2id$v=19$m=1024,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$!!!",
            "argon2id$v=19$m=1024,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAA", "argon2id$v=19$m$AAAA$AAAA", "sha256$AAAA$AAAA"})
    void treatsAMalformedStoredValueAsNoMatch(String stored) {
        assertThat(Argon2AdminToken.matches("token", stored)).isFalse();
    }

    @Test
    void storesTheEnvironmentTokenAsAHashOnly() {
        Argon2AdminToken token = Argon2AdminToken.initialise(settings, "from-env", out, replacements::incrementAndGet);

        assertThat(stored()).startsWith("argon2id$").doesNotContain("from-env");
        assertThat(token.matches("from-env")).isTrue();
        assertThat(token.matches("other")).isFalse();
        assertThat(token.matches(null)).isFalse();
        assertThat(token.matches("")).isFalse();
        assertThat(output()).isEmpty();
    }

    @Test
    void generatesATokenOnFirstStartPrintsItOnceAndStoresOnlyItsHash() {
        Argon2AdminToken first = Argon2AdminToken.initialise(settings, null, out, replacements::incrementAndGet);
        Matcher m = Pattern.compile(": (\\S+)\\s*$").matcher(output());
        assertThat(m.find()).isTrue();
        String generated = m.group(1);
        String hash = stored();

        Argon2AdminToken second = Argon2AdminToken.initialise(settings, null, out, replacements::incrementAndGet);

        assertThat(generated).hasSizeGreaterThanOrEqualTo(32);
        assertThat(hash).doesNotContain(generated);
        assertThat(settings.settings.values()).noneMatch(v -> v.contains(generated));
        assertThat(first.matches(generated)).isTrue();
        assertThat(second.matches(generated)).isTrue();
        assertThat(output().lines().filter(l -> l.contains(generated)).count()).isEqualTo(1);
        assertThat(stored()).isEqualTo(hash);
    }

    @Test
    void treatsAnEmptyEnvironmentTokenAsUnset() {
        Argon2AdminToken.initialise(settings, "", out, replacements::incrementAndGet);

        assertThat(output()).contains("Generated admin token");
    }

    @Test
    void keepsTheStoredHashWhenTheEnvironmentTokenIsUnchanged() {
        Argon2AdminToken.initialise(settings, "from-env", out, replacements::incrementAndGet);
        String hash = stored();

        Argon2AdminToken.initialise(settings, "from-env", out, replacements::incrementAndGet);

        assertThat(stored()).isEqualTo(hash);
        assertThat(replacements).hasValue(0);
        assertThat(settings.writes).isEqualTo(1);
    }

    @Test
    void replacesTheHashWhenTheEnvironmentTokenChanges() {
        Argon2AdminToken.initialise(settings, "old-token", out, replacements::incrementAndGet);
        assertThat(replacements).as("a first token replaces nothing").hasValue(0);

        Argon2AdminToken token = Argon2AdminToken.initialise(settings, "new-token", out, replacements::incrementAndGet);

        assertThat(replacements).as("what the old token opened is told to end").hasValue(1);
        assertThat(token.matches("new-token")).isTrue();
        assertThat(token.matches("old-token")).isFalse();
        assertThat(Argon2AdminToken.matches("new-token", stored())).isTrue();
        assertThat(Argon2AdminToken.matches("old-token", stored())).isFalse();
    }

    @Test
    void keepsAStoredHashInForceWhenTheEnvironmentTokenIsRemoved() {
        Argon2AdminToken.initialise(settings, "from-env", out, replacements::incrementAndGet);

        Argon2AdminToken token = Argon2AdminToken.initialise(settings, null, out, replacements::incrementAndGet);

        assertThat(token.matches("from-env")).isTrue();
        assertThat(output()).isEmpty();
    }
}
