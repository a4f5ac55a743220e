package dev.berth.management.error;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.core.error.ManagementException;
import dev.berth.core.error.OciErrorCode;
import dev.berth.core.error.OciException;
import dev.berth.core.error.ProblemKind;
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
    @ParameterizedTest
    @CsvSource({"MALFORMED, 400", "UNAUTHENTICATED, 401", "FORBIDDEN, 403", "NOT_FOUND, 404", "CONFLICT, 409",
            "TOO_LARGE, 413", "INVALID, 422"})
    void mapsEachProblemKindToItsStatus(ProblemKind kind, int status) {
        assertThat(ErrorResponses.status(kind).code()).isEqualTo(status);
    }

    @ParameterizedTest
    @CsvSource({"NAME_UNKNOWN, 404", "MANIFEST_UNKNOWN, 404", "BLOB_UNKNOWN, 404", "NAME_INVALID, 400", "DIGEST_INVALID, 400",
            "DENIED, 403", "UNAUTHORIZED, 401"})
    void mapsOciCodesThatCoreMayLetThrough(OciErrorCode code, int status) {
        assertThat(ErrorResponses.status(code).code()).isEqualTo(status);
    }

    @ParameterizedTest
    @EnumSource(OciErrorCode.class)
    void givesEveryOciCodeAStatus(OciErrorCode code) {
        assertThat(ErrorResponses.status(code).code()).isBetween(400, 599);
    }

    @Test
    void writesTheContractEnvelope() throws Exception {
        JsonNode body = body(ErrorResponses.response(ManagementException.notFound("registry", "acme")));
        assertThat(body.path("error").path("code").asText()).isEqualTo("REGISTRY_NOT_FOUND");
        assertThat(body.path("error").path("message").asText()).isEqualTo("registry 'acme' does not exist");
        assertThat(body.size()).isEqualTo(1);
        assertThat(body.path("error").size()).isEqualTo(2);
    }

    @Test
    void challengesWithBearerOnUnauthenticated() {
        FullHttpResponse response = ErrorResponses.response(new ManagementException(ProblemKind.UNAUTHENTICATED, "UNAUTHORIZED", "no"));
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
    void answersBadRequestForIllegalArguments() {
        assertThat(ErrorResponses.problem(new IllegalArgumentException("size must be between 1 and 1000")))
                .isEqualTo(new Problem(io.netty.handler.codec.http.HttpResponseStatus.BAD_REQUEST, "INVALID_PARAMETER",
                        "size must be between 1 and 1000"));
    }

    @Test
    void answersOciNotFoundAsNotFound() {
        Problem problem = ErrorResponses.problem(OciException.nameUnknown("acme/x"));
        assertThat(problem.status().code()).isEqualTo(404);
        assertThat(problem.code()).isEqualTo("NAME_UNKNOWN");
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
        Problem problem = ErrorResponses.problem(new IllegalStateException("disk on fire"));
        assertThat(problem.status().code()).isEqualTo(500);
        assertThat(problem.message()).matches("internal server error \\(ref [0-9a-f]{12}\\)");
    }

    private static JsonNode body(FullHttpResponse response) throws Exception {
        try {
            return new ObjectMapper().readTree(response.content().toString(StandardCharsets.UTF_8));
        } finally {
            response.release();
        }
    }
}
