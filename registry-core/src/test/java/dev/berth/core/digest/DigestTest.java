package dev.berth.core.digest;

import dev.berth.core.error.OciErrorCode;
import dev.berth.core.error.RegistryException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DigestTest {
    private static final String HEX64 = "a".repeat(64);
    private static final String HEX128 = "0123456789abcdef".repeat(8);

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855, sha256, e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa, sha256, aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "sha512:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef, sha512, 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    })
    void parsesAWellFormedDigest(String value, String algorithm, String hex) {
        Digest digest = Digest.parse(value);

        assertThat(digest.algorithm()).isEqualTo(algorithm);
        assertThat(digest.hex()).isEqualTo(hex);
        assertThat(digest.value()).isEqualTo(value);
        assertThat(digest.toString()).isEqualTo(value);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {
            "",
            "sha256",
            "sha256:",
            ":" + "a",
            "sha256:" + "a",                                   // too short
            "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", // 65 hex
            "sha256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", // uppercase hex
            "sha256:gggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggg", // not hex
            "SHA256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", // uppercase algorithm
            "sha512:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", // sha512 with 64 hex
            "md5:d41d8cd98f00b204e9800998ecf8427e",             // unknown algorithm
            "sha384:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "sha256 :aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
            "sha256:aaaa/../aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    })
    void refusesAMalformedOrUnsupportedDigestAsDigestInvalid(String value) {
        assertThatThrownBy(() -> Digest.parse(value))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.ociCode()).contains(OciErrorCode.DIGEST_INVALID));
        assertThat(Digest.tryParse(value)).isEmpty();
    }

    @ParameterizedTest
    @NullSource
    void refusesNull(String value) {
        assertThatThrownBy(() -> Digest.parse(value))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.ociCode()).contains(OciErrorCode.DIGEST_INVALID));
        assertThat(Digest.tryParse(value)).isEmpty();
    }

    @Test
    void tryParseFindsWhatParseParses() {
        assertThat(Digest.tryParse("sha256:" + HEX64)).contains(Digest.parse("sha256:" + HEX64));
    }

    @Test
    void refusesAValueLongerThan256Characters() {
        String value = "sha256+" + "x".repeat(250) + ":" + HEX64;

        assertThatThrownBy(() -> Digest.parse(value))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.ociCode()).contains(OciErrorCode.DIGEST_INVALID));
    }

    @Test
    void constructorValidatesLikeParse() {
        assertThat(new Digest("sha512", HEX128).isSha256()).isFalse();
        assertThatThrownBy(() -> new Digest("sha256", "A".repeat(64))).isInstanceOf(RegistryException.class);
    }

    @Test
    void hashesContentWithSha256() {
        Digest digest = Digest.sha256Of("".getBytes(StandardCharsets.UTF_8));

        assertThat(digest.value()).isEqualTo("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(digest.isSha256()).isTrue();
    }

    @Test
    void hashesContentWithSha512() {
        Digest digest = Digest.compute("sha512", "".getBytes(StandardCharsets.UTF_8));

        assertThat(digest.value()).isEqualTo("sha512:cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
                + "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e");
        assertThat(digest.algorithm()).isEqualTo(Digest.SHA512);
        assertThat(Digest.of("sha512", digest.newHash().digest(new byte[0]))).isEqualTo(digest);
    }

    @Test
    void namesTheAlgorithmsContentCanBeStoredUnder() {
        assertThat(Digest.ALGORITHMS).containsExactly("sha256", "sha512");
        assertThat(Digest.isSupportedAlgorithm("sha512")).isTrue();
        assertThat(Digest.isSupportedAlgorithm("sha384")).isFalse();
        assertThat(Digest.isSupportedAlgorithm("SHA512")).isFalse();
        assertThatThrownBy(() -> Digest.newHash("md5")).isInstanceOf(IllegalArgumentException.class);
        assertThat(Digest.newHash("sha512").getDigestLength()).isEqualTo(64);
    }

    @ParameterizedTest
    @CsvSource({"sha256:abc, true", "latest, false", ":abc, false", "v1.0, false"})
    void tellsADigestFromATagByItsColon(String value, boolean digest) {
        assertThat(Digest.looksLikeDigest(value)).isEqualTo(digest);
    }

    @Test
    void equalsByValue() {
        assertThat(Digest.parse("sha256:" + HEX64)).isEqualTo(new Digest("sha256", HEX64));
    }
}
