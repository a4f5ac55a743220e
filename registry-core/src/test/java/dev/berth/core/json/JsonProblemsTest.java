package dev.berth.core.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class JsonProblemsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"nesting", "number"})
    void saysPlainlyThatADocumentPassesAParserLimit(String limit) {
        String document = limit.equals("nesting") ? "[".repeat(5000) + "]".repeat(5000) : "1".repeat(5000);

        String problem = JsonProblems.describe(catchThrowableOfType(JsonProcessingException.class, () -> JSON.readTree(document)));

        assertThat(problem).contains("nested too deeply").doesNotContain("Constraints").doesNotContain("`");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"{\"a\" 1}", "[1,]", "nul", "{\n  \"a\": x}"})
    void saysWhereASyntaxErrorIs(String document) {
        String problem = JsonProblems.describe(catchThrowableOfType(JsonProcessingException.class, () -> JSON.readTree(document)));

        assertThat(problem).startsWith("it is malformed at line ").doesNotContain("Source").doesNotContain("`");
    }

    @Test
    void saysThatADocumentEndsTooSoon() {
        String problem = JsonProblems.describe(catchThrowableOfType(JsonProcessingException.class, () -> JSON.readTree("{\"a\": [")));

        assertThat(problem).isEqualTo("it ends before the JSON value is complete");
    }
}
