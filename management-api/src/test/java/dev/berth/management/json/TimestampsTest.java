package dev.berth.management.json;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class TimestampsTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "2026-05-30T22:00:00Z,          2026-05-30T22:00:00Z",
            "2026-05-30T22:00:00.5Z,        2026-05-30T22:00:00.5Z",
            "2026-05-31T00:00:00+02:00,     2026-05-30T22:00:00Z",
            "2026-05-30T20:30:00-01:30,     2026-05-30T22:00:00Z",
    })
    void readsAnRfc3339DateTime(String value, String instant) {
        assertThat(Timestamps.parse(value)).isEqualTo(Instant.parse(instant));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"+999999999-12-31T23:59:59Z", "-0001-01-01T00:00:00Z", "2026-05-30T22:00Z",
            "2026-05-30T22:00:00+01:00:30", "2026-5-30T22:00:00Z", "20260530T220000Z", "2026-05-30 22:00:00Z",
            "2026-05-30T22:00:00", "2026-02-30T22:00:00Z", "2026-05-30T22:00:00.1234567890Z", "next week", ""})
    void refusesAnythingElse(String value) {
        assertThat(Timestamps.parse(value)).isNull();
    }
}
