package dev.berth.core.auth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class SecretHasherTest {
    private final SecretHasher hasher = new SecretHasher();

    @Test
    void matchesTheSecretItHashed() {
        String secret = hasher.newSecret();

        assertThat(hasher.matches(secret, hasher.hash(secret))).isTrue();
    }

    @Test
    void refusesAnotherSecret() {
        String stored = hasher.hash(hasher.newSecret());

        assertThat(hasher.matches(hasher.newSecret(), stored)).isFalse();
        assertThat(hasher.matches("", stored)).isFalse();
    }

    @Test
    void saltsEveryHash() {
        String secret = hasher.newSecret();

        String first = hasher.hash(secret);
        String second = hasher.hash(secret);

        assertThat(first).isNotEqualTo(second);
        assertThat(first.split("\\$")[1]).isNotEqualTo(second.split("\\$")[1]);
        assertThat(hasher.matches(secret, first)).isTrue();
        assertThat(hasher.matches(secret, second)).isTrue();
    }

    @Test
    void storesNeitherTheSecretNorAnUnsaltedForm() {
        String secret = hasher.newSecret();
        String stored = hasher.hash(secret);

        assertThat(stored).startsWith("sha256$").doesNotContain(secret);
        assertThat(stored.split("\\$")).hasSize(3);
    }

    @Test
    void generatesLongRandomSecrets() {
        String secret = hasher.newSecret();

        assertThat(secret).hasSizeGreaterThanOrEqualTo(32).matches("[A-Za-z0-9]+");
        assertThat(hasher.newSecret()).isNotEqualTo(secret);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"", "plain", "sha256$onlytwo", "md5$AAAA$AAAA", "sha256$!!!$AAAA", "sha256$AAAA$!!!",
            "sha256$AAAA$AAAA$AAAA", "argon2id$v=19$m=1,t=1,p=1$AAAA$AAAA"})
    void treatsAMalformedStoredHashAsNoMatch(String stored) {
        assertThat(hasher.matches("secret", stored)).isFalse();
    }

    @ParameterizedTest
    @NullSource
    void treatsNullAsNoMatch(String value) {
        assertThat(hasher.matches(value, hasher.hash("x"))).isFalse();
        assertThat(hasher.matches("x", value)).isFalse();
    }
}
