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
    void generatesThirtyTwoLowercaseHexCharactersThatStartWithTheNode() {
        UploadId id = UploadId.startedOn("0a1b2c3d");

        assertThat(id.value()).matches("0a1b2c3d[a-f0-9]{24}");
        assertThat(id.node()).isEqualTo("0a1b2c3d");
        assertThat(UploadId.parse(id.value())).isEqualTo(id);
        assertThat(id.toString()).isEqualTo(id.value());
    }

    @Test
    void generatesDistinctIds() {
        Set<UploadId> ids = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            ids.add(UploadId.startedOn("0a1b2c3d"));
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
    @ValueSource(strings = {"0a1b2c3", "0a1b2c3d4", "0A1B2C3D", "../../.."})
    void refusesANodeIdThatIsNotEightLowercaseHex(String node) {
        assertThatThrownBy(() -> UploadId.startedOn(node)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @NullAndEmptySource
    void refusesNullAndEmpty(String value) {
        assertThatThrownBy(() -> UploadId.parse(value)).isInstanceOf(RegistryException.class);
    }
}
