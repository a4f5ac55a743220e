package dev.berth.management.registry;

import dev.berth.core.error.Problem;
import dev.berth.core.error.RegistryException;
import dev.berth.management.json.JsonBody;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StorageLimitInputTest {
    private static final long GIB = 1L << 30;

    @ParameterizedTest
    @CsvSource({"1, 1", "1073741823, 1", "1073741824, 1", "1073741825, 2", "21474836480, 20", "21474836481, 21"})
    void roundsBytesUpToWholeGib(long bytes, long gib) {
        assertThat(StorageLimitInput.gibFor(bytes)).isEqualTo(gib);
    }

    @Test
    void hasNoGibWithoutALimit() {
        assertThat(StorageLimitInput.gibFor(null)).isNull();
    }

    @ParameterizedTest
    @CsvSource(nullValues = "NULL", value = {
            "{},                                                          false, NULL",
            "{'storage_limit_bytes':1000},                                true,  1000",
            "{'storage_limit_gib':20},                                    true,  21474836480",
            "{'storage_limit_bytes':null},                                true,  NULL",
            "{'storage_limit_gib':null},                                  true,  NULL",
            "{'storage_limit_bytes':null;'storage_limit_gib':null},       true,  NULL",
            "{'storage_limit_bytes':21474836480;'storage_limit_gib':20},  true,  21474836480",
            "{'storage_limit_bytes':1000;'storage_limit_gib':1},          true,  1000"})
    void readsTheLimitInEitherUnit(String json, boolean given, Long bytes) {
        assertThat(StorageLimitInput.from(body(json))).isEqualTo(new StorageLimitInput(given, bytes));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{'storage_limit_bytes':0}", "{'storage_limit_bytes':-5}", "{'storage_limit_gib':0}",
            "{'storage_limit_gib':-1}", "{'storage_limit_gib':9223372036854775807}",
            "{'storage_limit_bytes':1000;'storage_limit_gib':2}", "{'storage_limit_bytes':null;'storage_limit_gib':2}",
            "{'storage_limit_bytes':1073741824;'storage_limit_gib':null}"})
    void refusesLimitsThatAreNotPositiveOrDisagreeAsInvalid(String json) {
        assertThatThrownBy(() -> StorageLimitInput.from(body(json)))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.problem()).isEqualTo(Problem.INVALID));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{'storage_limit_bytes':'10'}", "{'storage_limit_gib':1.5}", "{'storage_limit_gib':true}"})
    void refusesLimitsOfTheWrongTypeAsMalformed(String json) {
        assertThatThrownBy(() -> StorageLimitInput.from(body(json)))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.problem()).isEqualTo(Problem.MALFORMED));
    }

    @Test
    void writesTheRegistryObjectWithBothUnitsAndItsUrl() {
        Instant at = Instant.parse("2026-05-30T22:00:00.5Z");
        RegistryView view = RegistryView.of(
                new dev.berth.core.tenant.TenantRegistry("acme", false, 20 * GIB + 1, 7, 2, at, at), "localhost:5000");
        assertThat(new String(dev.berth.management.json.Json.write(view), StandardCharsets.UTF_8)).isEqualTo(
                "{\"name\":\"acme\",\"public\":false,\"storage_limit_bytes\":21474836481,\"storage_limit_gib\":21,"
                        + "\"storage_used_bytes\":7,\"repo_count\":2,\"url\":\"localhost:5000/acme\","
                        + "\"created_at\":\"2026-05-30T22:00:00Z\",\"updated_at\":\"2026-05-30T22:00:00Z\"}");
    }

    @Test
    void writesNullLimitsWhenThereIsNone() {
        Instant at = Instant.parse("2026-05-30T22:00:00Z");
        String json = new String(dev.berth.management.json.Json.write(RegistryView.of(
                new dev.berth.core.tenant.TenantRegistry("acme", true, null, 0, 0, at, at), "h")), StandardCharsets.UTF_8);
        assertThat(json).contains("\"public\":true", "\"storage_limit_bytes\":null", "\"storage_limit_gib\":null");
    }

    private static JsonBody body(String json) {
        return JsonBody.parse(json.replace('\'', '"').replace(';', ',').getBytes(StandardCharsets.UTF_8),
                Set.of(StorageLimitInput.BYTES_FIELD, StorageLimitInput.GIB_FIELD));
    }
}
