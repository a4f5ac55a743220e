package dev.berth.management.json;

import dev.berth.core.error.Problem;
import dev.berth.core.error.RegistryException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonBodyTest {
    private static final Set<String> FIELDS = Set.of("name", "public", "limit", "names");

    @ParameterizedTest
    @ValueSource(strings = {"", "{", "{'name':}", "nope", "{'name':'a'} {}", "{'name':'a','name':'b'}", "[]", "'text'", "42"})
    void refusesWhatIsNotOneJsonObjectAsMalformed(String body) {
        assertKind(() -> parse(body), Problem.MALFORMED);
    }

    @Test
    void refusesUnknownFieldsAsMalformed() {
        assertThatThrownBy(() -> parse("{'name':'a','colour':'red'}"))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.problem()).isEqualTo(Problem.MALFORMED);
                    assertThat(e.code()).isEqualTo("UNKNOWN_FIELD");
                    assertThat(e.getMessage()).contains("colour");
                });
    }

    @Test
    void tellsAnExplicitNullFromAnAbsentField() {
        JsonBody body = parse("{'limit':null}");
        assertThat(body.has("limit")).isTrue();
        assertThat(body.isNull("limit")).isTrue();
        assertThat(body.nullableInteger("limit")).isNull();
        assertThat(body.has("name")).isFalse();
        assertThat(body.isNull("name")).isFalse();
        assertThat(body.string("name")).isNull();
    }

    @Test
    void readsTypedValues() {
        JsonBody body = parse("{'name':'acme','public':true,'limit':21474836480,'names':['a','b/c']}");
        assertThat(body.string("name")).isEqualTo("acme");
        assertThat(body.bool("public")).isTrue();
        assertThat(body.integer("limit")).isEqualTo(21_474_836_480L);
        assertThat(body.strings("names")).isEqualTo(List.of("a", "b/c"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{'name':5}", "{'public':'yes'}", "{'public':null}", "{'limit':1.5}", "{'limit':'10'}",
            "{'names':'a'}", "{'names':[1]}", "{'name':null}"})
    void refusesWrongTypesAsMalformed(String json) {
        JsonBody body = parse(json);
        assertKind(() -> {
            body.string("name");
            body.bool("public");
            body.integer("limit");
            body.strings("names");
        }, Problem.MALFORMED);
    }

    @Test
    void refusesIntegersBeyondALongAsInvalid() {
        assertKind(() -> parse("{'limit':123456789012345678901234567890}").integer("limit"), Problem.INVALID);
    }

    @Test
    void takesAnEmptyOptionalBodyAsAnEmptyObject() {
        assertThat(JsonBody.parseOptional(new byte[0], Set.of()).has("x")).isFalse();
        assertThat(JsonBody.parseOptional(" \n".getBytes(StandardCharsets.UTF_8), Set.of()).has("x")).isFalse();
        assertThat(JsonBody.parseOptional("{}".getBytes(StandardCharsets.UTF_8), Set.of()).has("x")).isFalse();
        assertKind(() -> JsonBody.parseOptional("{\"x\":1}".getBytes(StandardCharsets.UTF_8), Set.of()), Problem.MALFORMED);
    }

    @Test
    void formatsTimestampsInUtcToTheSecond() {
        assertThat(Timestamps.format(Instant.parse("2026-05-30T22:00:00.123456Z"))).isEqualTo("2026-05-30T22:00:00Z");
        assertThat(Timestamps.format(null)).isNull();
        assertThat(Timestamps.parse("2026-05-31T00:00:00+02:00")).isEqualTo(Instant.parse("2026-05-30T22:00:00Z"));
        assertThat(Timestamps.parse("tomorrow")).isNull();
    }

    @Test
    void writesSnakeCaseWithNulls() {
        record Sample(String mediaType, Long storageLimitBytes) {
        }
        assertThat(new String(Json.write(new Sample("x", null)), StandardCharsets.UTF_8))
                .isEqualTo("{\"media_type\":\"x\",\"storage_limit_bytes\":null}");
    }

    private static JsonBody parse(String json) {
        return JsonBody.parse(json.replace('\'', '"').getBytes(StandardCharsets.UTF_8), FIELDS);
    }

    private static void assertKind(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, Problem kind) {
        assertThatThrownBy(call).isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.problem()).isEqualTo(kind));
    }
}
