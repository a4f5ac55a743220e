package dev.berth.http.v2.upload;

import dev.berth.core.error.OciErrorCode;
import dev.berth.core.error.RegistryException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChunkRangeTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "'0-99',                0,   99",
            "'bytes=10-19',         10,  19",
            "'bytes 10-19/100',     10,  19",
            "' 5-5 ',               5,   5",
            "'999999999999999999-999999999999999999', 999999999999999999, 999999999999999999",
    })
    void readsTheBoundsClientsSend(String header, long start, long end) {
        assertThat(ChunkRange.parse(header)).isEqualTo(new ChunkRange(start, end));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"500-99999999999999999999999", "99999999999999999999-1", "bytes=zero-nine", "-1-5", "1-",
            "", "0-1,2-3"})
    void refusesAMalformedOrOverlongHeaderWith416(String header) {
        assertThatThrownBy(() -> ChunkRange.parse(header))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.ociCode()).contains(OciErrorCode.RANGE_NOT_SATISFIABLE));
    }
}
