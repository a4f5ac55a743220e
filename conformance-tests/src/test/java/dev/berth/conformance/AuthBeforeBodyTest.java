package dev.berth.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.conformance.RegistryClient.Image;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request whose body would be refused is refused from its head: no {@code 100 Continue} to a caller without
 * the right credentials, and a declared body over the route's cap answered 413 before it is sent. The body of
 * such a request is never read into the server's memory (issue 16: unauthenticated manifest pushes held 4 MiB
 * each until the heap ran out).
 */
class AuthBeforeBodyTest {
    private static final int MANIFEST_CAP = 4 * 1024 * 1024;
    private static final int MANAGEMENT_CAP = 1024 * 1024;

    @RegisterExtension
    static final RegistryExtension registry = RegistryExtension.perClass();

    @Test
    void refusesAnUnauthenticatedManifestPushWith401AndNoContinue() throws Exception {
        try (RawHttp connection = connect(null)) {
            connection.sendHead("PUT", "/v2/" + Content.randomRepo("anon") + "/manifests/v1",
                    "Content-Type: " + Content.OCI_MANIFEST, "Content-Length: " + MANIFEST_CAP, "Expect: 100-continue");

            RawHttp.Answer answer = connection.read();

            assertThat(answer.head()).startsWithIgnoringCase("HTTP/1.1 401 ")
                    .containsIgnoringCase("WWW-Authenticate: Basic");
            assertThat(answer.text()).contains("UNAUTHORIZED");
        }
    }

    @Test
    void refusesAnUnauthenticatedManagementCallWith401AndNoContinue() throws Exception {
        try (RawHttp connection = connect(null)) {
            connection.sendHead("POST", "/api/v1/registries", "Content-Type: application/json",
                    "Content-Length: 1000", "Expect: 100-continue");

            RawHttp.Answer answer = connection.read();

            assertThat(answer.head()).startsWithIgnoringCase("HTTP/1.1 401 ")
                    .containsIgnoringCase("WWW-Authenticate: Bearer");
        }
    }

    @Test
    void continuesAnAuthenticatedManifestPushAndStoresIt() throws Exception {
        Image image = registry.client().pushImage(Content.randomRepo("cont"), "v1", 1);
        byte[] manifest = image.manifest().bytes();
        try (RawHttp connection = connect(registry.process().authorizationHeader())) {
            connection.sendHead("PUT", "/v2/" + image.repo() + "/manifests/v2", "Content-Type: " + Content.OCI_MANIFEST,
                    "Content-Length: " + manifest.length, "Expect: 100-continue");

            assertThat(connection.read().head()).startsWithIgnoringCase("HTTP/1.1 100 Continue");
            assertThat(connection.send(manifest).head()).startsWithIgnoringCase("HTTP/1.1 201 ");
        }
    }

    @Test
    void refusesADeclaredManifestOverTheCapWith413BeforeItsBodyIsSent() throws Exception {
        try (RawHttp connection = connect(registry.process().authorizationHeader())) {
            connection.sendHead("PUT", "/v2/" + Content.randomRepo("big") + "/manifests/v1",
                    "Content-Type: " + Content.OCI_MANIFEST, "Content-Length: " + (MANIFEST_CAP + 1));

            RawHttp.Answer answer = connection.read();

            assertThat(answer.head()).startsWithIgnoringCase("HTTP/1.1 413 ").containsIgnoringCase("Connection: close");
            JsonNode error = Content.JSON.readTree(answer.text()).path("errors").path(0);
            assertThat(error.path("code").asText()).isEqualTo("SIZE_INVALID");
            assertThat(connection.closedByServer()).isTrue();
        }
    }

    @Test
    void refusesADeclaredManagementBodyOverTheCapWith413BeforeItIsSent() throws Exception {
        try (RawHttp connection = connect("Bearer " + registry.process().adminToken())) {
            connection.sendHead("POST", "/api/v1/registries", "Content-Type: application/json",
                    "Content-Length: " + (MANAGEMENT_CAP + 1));

            RawHttp.Answer answer = connection.read();

            assertThat(answer.head()).startsWithIgnoringCase("HTTP/1.1 413 ").containsIgnoringCase("Connection: close");
            JsonNode error = Content.JSON.readTree(answer.text()).path("error");
            assertThat(error.path("code").asText()).isEqualTo("PAYLOAD_TOO_LARGE");
        }
    }

    /** A connection whose requests carry {@code Authorization: <authorization>}, or none when it is null. */
    private static RawHttp connect(String authorization) {
        return new RawHttp(registry.process(), authorization);
    }
}
