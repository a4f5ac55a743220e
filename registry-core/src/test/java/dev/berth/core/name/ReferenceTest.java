package dev.berth.core.name;

import dev.berth.core.digest.Digest;
import dev.berth.core.error.OciErrorCode;
import dev.berth.core.error.RegistryException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReferenceTest {
    private static final String DIGEST = "sha256:" + "b".repeat(64);

    @Test
    void parsesAValueWithAColonAsADigest() {
        assertThat(Reference.parse(DIGEST)).isEqualTo(Digest.parse(DIGEST));
    }

    @Test
    void parsesAValueWithoutAColonAsATag() {
        assertThat(Reference.parse("latest")).isEqualTo(new Tag("latest"));
        assertThat(Reference.parse("latest").value()).isEqualTo("latest");
    }

    @ParameterizedTest
    @CsvSource({"sha256:zz, DIGEST_INVALID", "md5:abc, DIGEST_INVALID", ".bad, MANIFEST_INVALID", "'', MANIFEST_INVALID"})
    void parseRefusesABadReferenceByItsKind(String value, OciErrorCode code) {
        assertThatThrownBy(() -> Reference.parse(value))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.ociCode()).contains(code));
    }

    @ParameterizedTest
    @CsvSource({".bad", "-x", "'a b'", "''"})
    void lookupAnswersAnInvalidTagAsManifestUnknown(String value) {
        assertThatThrownBy(() -> Reference.lookup(value))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.ociCode()).contains(OciErrorCode.MANIFEST_UNKNOWN));
    }

    @Test
    void lookupStillRefusesAMalformedDigestAsDigestInvalid() {
        assertThatThrownBy(() -> Reference.lookup("sha256:nothex"))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.ociCode()).contains(OciErrorCode.DIGEST_INVALID));
    }

    @Test
    void lookupParsesValidReferences() {
        assertThat(Reference.lookup("v1")).isEqualTo(new Tag("v1"));
        assertThat(Reference.lookup(DIGEST)).isEqualTo(Digest.parse(DIGEST));
    }
}
