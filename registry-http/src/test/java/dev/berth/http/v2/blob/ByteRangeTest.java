package dev.berth.http.v2.blob;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class ByteRangeTest {
    @Test
    void takesTheWholeBlobWithoutAHeader() {
        assertThat(ByteRange.parse(null, 100)).contains(new ByteRange(0, 100, false));
    }

    @ParameterizedTest(name = "{0} of {1} -> start {2}, length {3}")
    @CsvSource({
            "'bytes=0-99',     100, 0,  100, 'bytes 0-99/100'",
            "'bytes=0-0',      100, 0,  1,   'bytes 0-0/100'",
            "'bytes=10-19',    100, 10, 10,  'bytes 10-19/100'",
            "'bytes=90-',      100, 90, 10,  'bytes 90-99/100'",
            "'bytes=0-',       100, 0,  100, 'bytes 0-99/100'",
            "'bytes=50-1000',  100, 50, 50,  'bytes 50-99/100'",
            "'bytes=-10',      100, 90, 10,  'bytes 90-99/100'",
            "'bytes=-100',     100, 0,  100, 'bytes 0-99/100'",
            "'bytes=-500',     100, 0,  100, 'bytes 0-99/100'",
            "'bytes=99-99',    100, 99, 1,   'bytes 99-99/100'",
            "' bytes=1-2 ',    100, 1,  2,   'bytes 1-2/100'",
    })
    void parsesASatisfiableRange(String header, long size, long start, long length, String contentRange) {
        ByteRange range = ByteRange.parse(header, size).orElseThrow();

        assertThat(range.start()).isEqualTo(start);
        assertThat(range.length()).isEqualTo(length);
        assertThat(range.partial()).isTrue();
        assertThat(range.contentRange(size)).isEqualTo(contentRange);
    }

    @ParameterizedTest(name = "{0} of {1}")
    @CsvSource({
            "'bytes=100-',          100",
            "'bytes=100-200',       100",
            "'bytes=20-10',         100",
            "'bytes=-0',            100",
            "'bytes=-',             100",
            "'bytes=0-',            0",
            "'bytes=-5',            0",
            "'bytes=0-1,5-6',       100",
            "'bytes=a-b',           100",
            "'items=0-1',           100",
            "'0-1',                 100",
            "'bytes=99999999999999999999-', 100",
            "'',                    100",
    })
    void hasNoWindowForAnUnsatisfiableOrMalformedRange(String header, long size) {
        assertThat(ByteRange.parse(header, size)).isEmpty();
    }

    @Test
    void tellsTheSizeOfTheBlobWhenNoWindowFits() {
        assertThat(ByteRange.unsatisfied(64)).isEqualTo("bytes */64");
    }
}
