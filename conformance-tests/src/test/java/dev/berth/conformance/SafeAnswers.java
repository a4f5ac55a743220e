package dev.berth.conformance;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every answer to hostile input must be: a status below 500, and, for an error, a body that shows the
 * client no Java internals (stack traces, class or package names).
 */
final class SafeAnswers {

    private static final List<String> INTERNALS = List.of("Exception", "java.", "javax.", "com.fasterxml", "io.netty",
            "dev.berth", "\tat ", "Constraints");

    private SafeAnswers() {
    }

    static void assertSafe(RawHttp.Answer answer, String request) {
        assertThat(answer.status()).as("status of %s: %s", request, answer).isBetween(100, 499);
        if (answer.status() >= 400) {
            String body = new String(answer.body(), StandardCharsets.UTF_8);
            for (String internal : INTERNALS) {
                assertThat(body).as("error body of %s", request).doesNotContain(internal);
            }
        }
    }
}
