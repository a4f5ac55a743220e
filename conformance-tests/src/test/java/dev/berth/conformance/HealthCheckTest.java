package dev.berth.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.berth.conformance.OciAssertions.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /healthz} reports each backend, without authentication: 200 while the embedded database and the blob
 * directory answer, 503 with the failing backend's error while one does not (the blob directory taken away
 * from under the server), and 200 again once it is back. Its PostgreSQL form is in {@link PostgresMetadataTest}.
 */
class HealthCheckTest {
    @RegisterExtension
    static final RegistryExtension registry = RegistryExtension.perClass();

    @Test
    void reportsEachBackendAndAnswers503WhileOneIsGone() throws Exception {
        JsonNode healthy = health(200);
        assertThat(healthy.get("status").asText()).isEqualTo("ok");
        assertThat(healthy.get("backends").fieldNames()).toIterable().containsExactly("metadata", "blobs");
        assertThat(healthy.at("/backends/metadata/engine").asText()).isEqualTo("h2");
        assertThat(healthy.at("/backends/metadata/status").asText()).isEqualTo("ok");
        assertThat(healthy.at("/backends/blobs/engine").asText()).isEqualTo("fs");
        assertThat(healthy.at("/backends/blobs/status").asText()).isEqualTo("ok");
        assertThat(healthy.at("/backends/blobs/error").isMissingNode()).isTrue();

        Path blobs = registry.process().dataDir().resolve("blobs");
        Path away = blobs.resolveSibling("blobs-away");
        Files.move(blobs, away);
        try {
            JsonNode unavailable = health(503);
            assertThat(unavailable.get("status").asText()).isEqualTo("unavailable");
            assertThat(unavailable.at("/backends/blobs/status").asText()).isEqualTo("unavailable");
            assertThat(unavailable.at("/backends/blobs/error").asText()).contains(blobs.toString());
            assertThat(unavailable.at("/backends/metadata/status").asText()).isEqualTo("ok");
        } finally {
            Files.move(away, blobs);
        }
        assertThat(health(200).get("status").asText()).isEqualTo("ok");
    }

    private static JsonNode health(int status) {
        HttpResponse<byte[]> answer = registry.process().anonymousClient().get("/healthz");
        assertThat(answer.statusCode()).as(new String(answer.body())).isEqualTo(status);
        return json(answer);
    }
}
