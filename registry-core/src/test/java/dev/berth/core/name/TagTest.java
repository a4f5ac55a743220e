package dev.berth.core.name;

import dev.berth.core.error.OciErrorCode;
import dev.berth.core.error.RegistryException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TagTest {
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"latest", "v1", "V1.2.3", "_private", "1.0-rc_1", "a", "0"})
    void acceptsATagOfTheGrammar(String value) {
        assertThat(Tag.isValid(value)).isTrue();
        assertThat(Tag.parse(value).value()).isEqualTo(value);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {".hidden", "-dash", "a:b", "a/b", "a b", "é", "tag\n"})
    void refusesATagOutsideTheGrammar(String value) {
        assertThat(Tag.isValid(value)).isFalse();
        assertThatThrownBy(() -> Tag.parse(value))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.ociCode()).contains(OciErrorCode.MANIFEST_INVALID));
    }

    @ParameterizedTest
    @NullAndEmptySource
    void refusesNullAndEmpty(String value) {
        assertThat(Tag.isValid(value)).isFalse();
        assertThatThrownBy(() -> Tag.parse(value)).isInstanceOf(RegistryException.class);
    }

    @Test
    void agreesWithTheSpecsRegularExpressionOnRandomStrings() {
        Pattern grammar = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");
        String alphabet = "aZ09_.-:/ \n\u00e9+";
        Random random = new Random(42);
        for (int n = 0; n < 20_000; n++) {
            StringBuilder value = new StringBuilder();
            int length = random.nextInt(6) == 0 ? 120 + random.nextInt(16) : random.nextInt(8);
            for (int i = 0; i < length; i++) {
                value.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String candidate = value.toString();
            assertThat(Tag.isValid(candidate)).as(candidate).isEqualTo(grammar.matcher(candidate).matches());
        }
    }

    @Test
    void acceptsUpTo128Characters() {
        assertThat(Tag.isValid("a".repeat(128))).isTrue();
        assertThat(Tag.isValid("a".repeat(129))).isFalse();
    }
}
