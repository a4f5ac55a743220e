package dev.berth.management.error;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.core.error.Problem;
import dev.berth.core.error.RegistryException;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ErrorResponsesTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"MALFORMED, 400", "INVALID, 422", "UNAUTHENTICATED, 401", "DENIED, 403", "QUOTA_EXCEEDED, 403",
            "NOT_FOUND, 404", "CONFLICT, 409", "TOO_LARGE, 413", "OUT_OF_RANGE, 416", "UNSUPPORTED, 405",
            "THROTTLED, 429", "STORAGE_FULL, 507"})
    void mapsEachProblemToItsStatus(Problem problem, int status) {
        assertThat(ErrorResponses.status(problem).code()).isEqualTo(status);
    }

    @ParameterizedTest
    @EnumSource(Problem.class)
    void givesEveryProblemAClientErrorOrStorageStatus(Problem problem) {
        assertThat(ErrorResponses.status(problem).code()).isBetween(400, 599).isNotEqualTo(500);
    }

    @Test
    void writesTheContractEnvelope() throws Exception {
        JsonNode body = body(ErrorResponses.response(RegistryException.notFound("registry", "acme")));
        assertThat(body.path("error").path("code").asText()).isEqualTo("REGISTRY_NOT_FOUND");
        assertThat(body.path("error").path("message").asText()).isEqualTo("registry 'acme' does not exist");
        assertThat(body.size()).isEqualTo(1);
        assertThat(body.path("error").size()).isEqualTo(2);
    }

    @Test
    void challengesWithBearerOnUnauthenticated() {
        FullHttpResponse response = ErrorResponses.response(new RegistryException(Problem.UNAUTHENTICATED, "UNAUTHORIZED", "no"));
        assertThat(response.status().code()).isEqualTo(401);
        assertThat(response.headers().get(HttpHeaderNames.WWW_AUTHENTICATE)).isEqualTo("Bearer realm=\"berth\"");
        assertThat(response.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("application/json");
        assertThat(response.headers().getInt(HttpHeaderNames.CONTENT_LENGTH)).isEqualTo(response.content().readableBytes());
    }

    @Test
    void listsTheAllowedMethodsOnMethodNotAllowed() throws Exception {
        FullHttpResponse response = ErrorResponses.response(new MethodNotAllowedException("PUT", List.of("GET", "POST")));
        assertThat(response.status().code()).isEqualTo(405);
        assertThat(response.headers().get(HttpHeaderNames.ALLOW)).isEqualTo("GET, POST");
        assertThat(body(response).path("error").path("code").asText()).isEqualTo("METHOD_NOT_ALLOWED");
    }

    @Test
    void answersAnIllegalArgumentAsTheBugItIs() {
        ErrorReply reply = ErrorResponses.reply(new IllegalArgumentException("two routes share a method and path"));
        assertThat(reply.status().code()).isEqualTo(500);
        assertThat(reply.code()).isEqualTo("INTERNAL_ERROR");
        assertThat(reply.message()).doesNotContain("routes");
    }

    @Test
    void answersOciNotFoundAsNotFound() {
        ErrorReply reply = ErrorResponses.reply(RegistryException.nameUnknown("acme/x"));
        assertThat(reply.status().code()).isEqualTo(404);
        assertThat(reply.code()).isEqualTo("NAME_UNKNOWN");
    }

    @Test
    void hidesTheCauseOfUnexpectedFailures() throws Exception {
        FullHttpResponse response = ErrorResponses.response(new IllegalStateException("jdbc:h2:/secret/path broke"));
        assertThat(response.status().code()).isEqualTo(500);
        JsonNode body = body(response);
        assertThat(body.path("error").path("code").asText()).isEqualTo("INTERNAL_ERROR");
        assertThat(body.toString()).doesNotContain("secret", "IllegalState", "at dev.");
    }

    @Test
    void givesAnUnexpectedFailureTheReferenceThatV2AnswersWithToo() {
        ErrorReply reply = ErrorResponses.reply(new IllegalStateException("disk on fire"));
        assertThat(reply.status().code()).isEqualTo(500);
        assertThat(reply.message()).matches("internal server error \\(ref [0-9a-f]{12}\\)");
    }

    private static JsonNode body(FullHttpResponse response) throws Exception {
        try {
            return new ObjectMapper().readTree(response.content().toString(StandardCharsets.UTF_8));
        } finally {
            response.release();
        }
    }
}
