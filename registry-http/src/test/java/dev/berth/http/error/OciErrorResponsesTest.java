package dev.berth.http.error;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.core.error.OciErrorCode;
import dev.berth.core.error.RegistryException;
import dev.berth.core.error.UnexpectedFailure;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class OciErrorResponsesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest(name = "{0} -> {1} {2}")
    @CsvSource({
            "BLOB_UNKNOWN,          404, BLOB_UNKNOWN",
            "BLOB_UPLOAD_INVALID,   400, BLOB_UPLOAD_INVALID",
            "BLOB_UPLOAD_UNKNOWN,   404, BLOB_UPLOAD_UNKNOWN",
            "RANGE_NOT_SATISFIABLE, 416, BLOB_UPLOAD_INVALID",
            "BLOB_RANGE_NOT_SATISFIABLE, 416, SIZE_INVALID",
            "DIGEST_INVALID,        400, DIGEST_INVALID",
            "MANIFEST_BLOB_UNKNOWN, 400, MANIFEST_BLOB_UNKNOWN",
            "MANIFEST_INVALID,      400, MANIFEST_INVALID",
            "MANIFEST_TOO_LARGE,    413, SIZE_INVALID",
            "MANIFEST_UNKNOWN,      404, MANIFEST_UNKNOWN",
            "NAME_INVALID,          400, NAME_INVALID",
            "NAME_UNKNOWN,          404, NAME_UNKNOWN",
            "SIZE_INVALID,          400, SIZE_INVALID",
            "UNAUTHORIZED,          401, UNAUTHORIZED",
            "DENIED,                403, DENIED",
            "QUOTA_EXCEEDED,        403, DENIED",
            "INSUFFICIENT_STORAGE,  507, DENIED",
            "UNSUPPORTED,           405, UNSUPPORTED",
            "METHOD_NOT_ALLOWED,    405, UNSUPPORTED",
            "PARAMETER_INVALID,     400, UNSUPPORTED",
            "NOT_FOUND,             404, UNSUPPORTED",
            "TOOMANYREQUESTS,       429, TOOMANYREQUESTS",
    })
    void answersEachCodeWithTheSpecsStatusAndWireCode(OciErrorCode code, int status, String wireCode) {
        assertThat(OciErrorResponses.status(code).code()).isEqualTo(status);
        assertThat(code.wireCode()).isEqualTo(wireCode);
    }

    @ParameterizedTest
    @EnumSource(OciErrorCode.class)
    void givesEveryCodeAClientErrorOrStorageStatus(OciErrorCode code) {
        HttpResponseStatus status = OciErrorResponses.status(code);

        assertThat(status.code()).isBetween(400, 599).isNotEqualTo(500);
    }

    @Test
    void writesTheSpecsErrorBody() throws Exception {
        RegistryException error = new RegistryException(OciErrorCode.BLOB_UNKNOWN, "blob unknown to registry", Map.of("digest", "sha256:x"));

        JsonNode body = JSON.readTree(OciErrorResponses.body(error));

        assertThat(body.fieldNames()).toIterable().containsExactly("errors");
        assertThat(body.get("errors")).hasSize(1);
        JsonNode entry = body.get("errors").get(0);
        assertThat(entry.get("code").asText()).isEqualTo("BLOB_UNKNOWN");
        assertThat(entry.get("message").asText()).isEqualTo("blob unknown to registry");
        assertThat(entry.get("detail").get("digest").asText()).isEqualTo("sha256:x");
    }

    @Test
    void writesTheWireCodeOfACodeThatSharesOne() throws Exception {
        JsonNode body = JSON.readTree(OciErrorResponses.body(new RegistryException(OciErrorCode.MANIFEST_TOO_LARGE, null)));

        assertThat(body.at("/errors/0/code").asText()).isEqualTo("SIZE_INVALID");
        assertThat(body.at("/errors/0/message").asText()).isEqualTo("manifest too large");
    }

    @Test
    void writesAnEmptyDetailObjectWhenThereIsNone() throws Exception {
        JsonNode body = JSON.readTree(OciErrorResponses.body(new RegistryException(OciErrorCode.UNAUTHORIZED, "authentication required")));

        assertThat(body.at("/errors/0/detail").isObject()).isTrue();
        assertThat(body.at("/errors/0/detail")).isEmpty();
    }

    @Test
    void writesAnUnexpectedFailureAsUnknownWithItsReferenceOnly() throws Exception {
        JsonNode body = JSON.readTree(OciErrorResponses.body(new UnexpectedFailure("0123456789ab")));

        assertThat(body.at("/errors/0/code").asText()).isEqualTo("UNKNOWN");
        assertThat(body.at("/errors/0/message").asText()).isEqualTo("internal server error (ref 0123456789ab)");
        assertThat(body.at("/errors/0/detail")).isEmpty();
    }
}
