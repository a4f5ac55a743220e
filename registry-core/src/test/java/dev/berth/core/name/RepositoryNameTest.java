package dev.berth.core.name;

import dev.berth.core.error.OciErrorCode;
import dev.berth.core.error.RegistryException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RepositoryNameTest {
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "a/b", "library/app", "acme/app", "acme/team/app", "a0/b1/c2", "my.app/x", "my_app/x", "my__app/x",
            "my-app/x", "my---app/x", "a.b_c__d-e/f", "123/456",
    })
    void acceptsANameOfTheGrammar(String value) {
        assertThat(RepositoryName.parse(value).value()).isEqualTo(value);
        assertThat(RepositoryName.tryParse(value)).contains(RepositoryName.parse(value));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {
            "Acme/app", "acme/App", "acme//app", "/acme", "acme/", "acme/app/", ".acme", "acme.", "-acme", "acme-",
            "a___b", "a..b", "a._b", "a b", "acme/app:tag", "acme/app@sha256", "acme\\app", "acme/../app", "é",
    })
    void refusesANameOutsideTheGrammarAsNameInvalid(String value) {
        assertThatThrownBy(() -> RepositoryName.parse(value))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.ociCode()).contains(OciErrorCode.NAME_INVALID));
        assertThat(RepositoryName.tryParse(value)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"a", "acme", "library", "a.b_c__d-e"})
    void refusesANameWithNoRepositoryBelowItsRegistry(String value) {
        assertThatThrownBy(() -> RepositoryName.parse(value))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.ociCode()).contains(OciErrorCode.NAME_INVALID);
                    assertThat(e.getMessage()).contains("<registry>/<repository>");
                });
        assertThat(RepositoryName.tryParse(value)).isEmpty();
    }

    @ParameterizedTest
    @NullAndEmptySource
    void refusesNullAndEmpty(String value) {
        assertThatThrownBy(() -> RepositoryName.parse(value))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.ociCode()).contains(OciErrorCode.NAME_INVALID));
        assertThat(RepositoryName.tryParse(value)).isEmpty();
    }

    @Test
    void acceptsA255CharacterName() {
        String value = "acme/" + "a".repeat(250);

        assertThat(value).hasSize(255);
        assertThat(RepositoryName.parse(value).value()).isEqualTo(value);
    }

    @Test
    void refusesA256CharacterName() {
        String value = "acme/" + "a".repeat(251);

        assertThatThrownBy(() -> RepositoryName.parse(value))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.ociCode()).contains(OciErrorCode.NAME_INVALID));
    }

    @ParameterizedTest
    @CsvSource({"acme/app, acme", "acme/team/app, acme", "library/app, library", "a.b/c, a.b"})
    void namesItsTenantRegistryByTheFirstComponent(String value, String registry) {
        assertThat(RepositoryName.parse(value).registry()).isEqualTo(registry);
    }

    @Test
    void ordersLexically() {
        assertThat(RepositoryName.parse("acme/a")).isLessThan(RepositoryName.parse("acme/b"));
        assertThat(RepositoryName.parse("acme/b").toString()).isEqualTo("acme/b");
    }
}
