package dev.berth.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static dev.berth.conformance.ManagementAssertions.assertApiError;
import static dev.berth.conformance.ManagementAssertions.assertList;
import static dev.berth.conformance.ManagementClient.registryPath;
import static dev.berth.conformance.ManagementClient.repositoryPath;
import static dev.berth.conformance.OciAssertions.assertError;
import static dev.berth.conformance.OciAssertions.assertHeader;
import static dev.berth.conformance.OciAssertions.assertStatus;
import static dev.berth.conformance.OciAssertions.describe;
import static dev.berth.conformance.OciAssertions.json;
import static dev.berth.conformance.OciAssertions.requireHeader;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 16, "Small errors found on the way": input a client should never send, each once answered with a 500,
 * a silently shortened upload or no answer at all. Each is refused now with a 4xx in the API's own error
 * format, and leaves the server and any upload session as they were.
 */
class HostileInputTest {

    @RegisterExtension
    static final RegistryExtension registry = RegistryExtension.perClass();

    private static RegistryClient oci() {
        return registry.client();
    }

    /** Opens an upload session holding {@code bytes} random bytes; returns its Location. */
    private static String sessionHolding(String repo, int bytes) {
        HttpResponse<byte[]> post = oci().startUpload(repo);
        assertStatus(post, 202);
        String location = requireHeader(post, "Location");
        if (bytes == 0) {
            return location;
        }
        HttpResponse<byte[]> patch = oci().patchChunk(location, Content.randomBytes(bytes), 0);
        assertStatus(patch, 202);
        return requireHeader(patch, "Location");
    }

    private static void assertSessionHolds(String location, int bytes) {
        HttpResponse<byte[]> status = oci().uploadStatus(location);
        assertStatus(status, 204);
        assertThat(requireHeader(status, "Range")).as("the session's Range after the refused request")
                .isEqualTo("0-" + Math.max(0, bytes - 1));
    }

    @Test
    void contentRangeBeyondALongIs416AndLeavesTheSessionAlone() {
        String location = sessionHolding(Content.randomRepo("hostile"), 10);
        HttpResponse<byte[]> r = oci().send("PATCH", location, BodyPublishers.ofByteArray(Content.randomBytes(10)),
                "Content-Type", "application/octet-stream", "Content-Range", "500-99999999999999999999999");
        assertError(r, 416, "BLOB_UPLOAD_INVALID");
        assertSessionHolds(location, 10);
    }

    @Test
    void theLastPageNumberIsAnEmptyPageOnEveryManagementList() {
        ManagementClient api = registry.management();
        String reg = api.newRegistry("hostile");
        oci().pushImage(reg + "/app", "latest", 1);
        api.newUser("hostile", reg, "pull");
        for (String list : List.of("/registries", "/users", registryPath(reg) + "/repositories", registryPath(reg) + "/users",
                registryPath(reg) + "/history", repositoryPath(reg, "app") + "/artifacts")) {
            for (String size : List.of("1", "1000")) {
                HttpResponse<byte[]> r = api.get(list, "page", Integer.toString(Integer.MAX_VALUE), "size", size);
                assertThat(assertList(r).get("results")).as(describe(r)).isEmpty();
            }
        }
    }

    @Test
    void aBrokenEscapeInTheNameIs400NameInvalidOnAConnectionThatStaysUsable() {
        try (RawHttp connection = new RawHttp(registry.process())) {
            RawHttp.Answer answer = connection.send("GET", "/v2/acme/%/tags/list");
            assertThat(answer.status()).as(answer.toString()).isEqualTo(400);
            assertThat(ociErrorCode(answer)).isEqualTo("NAME_INVALID");
            if (!answer.closes()) {
                assertThat(connection.send("GET", "/v2/").status()).isEqualTo(200);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/v2/_catalog?%", "/v2/library/app/tags/list?n=%zz", "/v2/?%"})
    void aBrokenEscapeInTheQueryIs400(String target) {
        try (RawHttp connection = new RawHttp(registry.process())) {
            RawHttp.Answer answer = connection.send("GET", target);
            assertThat(answer.status()).as(answer.toString()).isEqualTo(400);
            assertThat(OciAssertions.SPEC_ERROR_CODES).contains(ociErrorCode(answer));
        }
    }

    @Test
    void aBrokenEscapeInAManagementQueryIs400() {
        try (RawHttp connection = new RawHttp(registry.process(), "Bearer " + registry.process().adminToken())) {
            RawHttp.Answer answer = connection.send("GET", "/api/v1/registries?%");
            assertThat(answer.status()).as(answer.toString()).isEqualTo(400);
            assertThat(Content.parse(answer.body()).path("error").path("code").asText()).isNotEmpty();
        }
    }

    @Test
    void aBrokenChunkSizeLineIs400AndTheSessionKeepsNoneOfTheRequest() {
        String location = sessionHolding(Content.randomRepo("hostile"), 10);
        // Longer than the exchange's write batch, so that part of it reaches the session before the broken line.
        byte[] chunk = Content.randomBytes(3 * 1024 * 1024 / 2);
        try (RawHttp connection = new RawHttp(registry.process())) {
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            request.writeBytes(connection.head("PATCH", target(location), "Content-Type: application/octet-stream",
                    "Transfer-Encoding: chunked").getBytes(StandardCharsets.US_ASCII));
            request.writeBytes((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            request.writeBytes(chunk);
            request.writeBytes("\r\nZZ\r\n0123456789\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            RawHttp.Answer answer = connection.send(request.toByteArray());
            assertThat(answer.status()).as(answer.toString()).isEqualTo(400);
            assertThat(ociErrorCode(answer)).isEqualTo("BLOB_UPLOAD_INVALID");
            assertThat(answer.closes() && connection.closedByServer())
                    .as("the connection cannot be read past the broken line, so it must be closed: %s", answer).isTrue();
        }
        assertSessionHolds(location, 10);
    }

    @Test
    void anUnsupportedDigestOnTheClosingPutIsRefusedBeforeTheBodyIsAppended() {
        String location = sessionHolding(Content.randomRepo("hostile"), 10);
        HttpResponse<byte[]> r = oci().putUpload(location, "sha384:" + "ab".repeat(48), Content.randomBytes(20));
        assertError(r, 400, "DIGEST_INVALID", "UNSUPPORTED");
        assertSessionHolds(location, 10);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"bytes=1000-2000", "bytes=64-", "bytes=a-b", "bytes=-0"})
    void anUnsatisfiableRangeOnABlobIs416WithTheBlobsSize(String range) {
        String repo = Content.randomRepo("hostile");
        Content.Blob blob = Content.randomBlob(64);
        oci().pushBlob(repo, blob);
        HttpResponse<byte[]> r = oci().getBlob(repo, blob.digest(), "Range", range);
        assertStatus(r, 416);
        assertHeader(r, "Content-Range", "bytes */64");
        assertThat(OciAssertions.errorCodes(r)).as(describe(r)).doesNotContain("BLOB_UPLOAD_INVALID");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"+999999999-12-31T23:59:59Z", "2099-01-01T00:00Z", "2099-01-01T00:00:00+01:00:30",
            "2099-1-1T00:00:00Z", "20990101T000000Z"})
    void anExpiryThatIsNotRfc3339Is422AndChangesNothing(String expiresAt) {
        ManagementClient api = registry.management();
        JsonNode user = api.newUser("hostile");
        String path = ManagementClient.userPath(user.get("id").asText());
        HttpResponse<byte[]> r = api.patch(path, ManagementClient.obj("expires_at", expiresAt));
        assertApiError(r, 422);
        HttpResponse<byte[]> after = api.get(path);
        assertStatus(after, 200);
        assertThat(json(after).get("expires_at").isNull()).as(describe(after)).isTrue();
    }

    @Test
    void tooDeeplyNestedJsonIsRefusedInPlainWords() {
        String deep = "[".repeat(5000) + "]".repeat(5000);
        HttpResponse<byte[]> manifest = oci().putManifest(Content.randomRepo("hostile"), "deep", Content.OCI_MANIFEST,
                deep.getBytes(StandardCharsets.UTF_8));
        assertError(manifest, 400, "MANIFEST_INVALID");
        assertPlainWords(json(manifest).get("errors").get(0).get("message").asText());
        HttpResponse<byte[]> management = registry.management().send("POST", "/registries",
                "{\"name\": " + deep + "}");
        assertApiError(management, 400);
        assertPlainWords(json(management).get("error").get("message").asText());
    }

    private static void assertPlainWords(String message) {
        assertThat(message).containsIgnoringCase("nest")
                .doesNotContainIgnoringCase("jackson").doesNotContain("StreamReadConstraints").doesNotContain("`");
    }

    private static String ociErrorCode(RawHttp.Answer answer) {
        return Content.parse(answer.body()).path("errors").path(0).path("code").asText();
    }

    /** The path and query of a Location, as a raw request target. */
    private static String target(String location) {
        URI uri = oci().resolve(location);
        return uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }
}
