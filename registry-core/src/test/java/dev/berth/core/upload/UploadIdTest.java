package dev.berth.core.upload;

import dev.berth.core.error.OciErrorCode;
import dev.berth.core.error.RegistryException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UploadIdTest {
    @Test
    void generatesThirtyTwoLowercaseHexCharacters() {
        UploadId id = UploadId.random();

        assertThat(id.value()).matches("[a-f0-9]{32}");
        assertThat(UploadId.parse(id.value())).isEqualTo(id);
        assertThat(id.toString()).isEqualTo(id.value());
    }

    @Test
    void generatesDistinctIds() {
        Set<UploadId> ids = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            ids.add(UploadId.random());
        }
        assertThat(ids).hasSize(1000);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {
            "0123456789abcdef0123456789abcde",   // 31
            "0123456789abcdef0123456789abcdef0", // 33
            "0123456789ABCDEF0123456789ABCDEF",
            "../../../../../../../../etc/pass",
            "0123456789abcdef0123456789abcdeg",
    })
    void refusesAnythingButThirtyTwoHexAsUploadUnknown(String value) {
        assertThatThrownBy(() -> UploadId.parse(value))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.ociCode()).contains(OciErrorCode.BLOB_UPLOAD_UNKNOWN));
    }

    @ParameterizedTest
    @NullAndEmptySource
    void refusesNullAndEmpty(String value) {
        assertThatThrownBy(() -> UploadId.parse(value)).isInstanceOf(RegistryException.class);
    }
}
