package dev.berth.conformance;

import dev.berth.conformance.Content.Blob;
import dev.berth.conformance.Content.Manifest;
import dev.berth.conformance.RegistryClient.Image;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;

import static dev.berth.conformance.OciAssertions.assertApiVersionHeader;
import static dev.berth.conformance.OciAssertions.assertError;
import static dev.berth.conformance.OciAssertions.assertErrorCode;
import static dev.berth.conformance.OciAssertions.assertStatus;
import static dev.berth.conformance.OciAssertions.describe;
import static dev.berth.conformance.OciAssertions.requireHeader;
import static dev.berth.conformance.OciAssertions.stringList;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Error handling across the API: the {@code Docker-Distribution-API-Version} header on every answer, the error
 * body shape, validation of names, tags and digests, and unknown upload sessions.
 *
 * <p>Names: the spec says {@code <name>} "MUST match" {@code [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+(...)*)*}
 * and defines {@code NAME_INVALID} ("invalid repository name"), but no status for it; the endpoint table only
 * lists 404 as the failure of most endpoints. So an invalid name is accepted as 400 with {@code NAME_INVALID}, or
 * 404 with {@code NAME_INVALID}/{@code NAME_UNKNOWN}. Tags: "MUST match {@code [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}}";
 * a PUT with an invalid tag must be refused with 400 and {@code MANIFEST_INVALID} or the legacy
 * {@code TAG_INVALID}.
 */
class ErrorCasesTest {

    @RegisterExtension
    static final RegistryExtension registry = RegistryExtension.perClass();

    private static String repo;
    private static Image image;

    @BeforeAll
    static void populate() {
        repo = Content.randomRepo("err");
        image = registry.client().pushImage(repo, "latest", 1);
    }

    private static RegistryClient client() {
        return registry.client();
    }

    // ------------------------------------------------------------------------------------------ API version header

    static Stream<Arguments> variousAnswers() {
        List<Function<RegistryClient, HttpResponse<byte[]>>> calls = List.of(
                RegistryClient::ping,
                c -> c.getBlob(repo, image.config().digest()),
                c -> c.headBlob(repo, image.config().digest()),
                c -> c.getBlob(repo, Content.unknownDigest()),
                c -> c.headBlob(repo, Content.unknownDigest()),
                c -> c.getBlob(repo, "sha256:nope"),
                c -> c.getManifest(repo, "latest"),
                c -> c.headManifest(repo, "latest"),
                c -> c.getManifest(repo, "absent"),
                c -> c.getManifest(Content.randomRepo("ghost"), "latest"),
                c -> c.putManifest(repo, "broken", Content.OCI_MANIFEST, "{".getBytes(StandardCharsets.UTF_8)),
                c -> c.startUpload(repo),
                c -> c.get(RegistryClient.uploadsPath(repo) + UUID.randomUUID()),
                c -> c.tagsList(repo),
                c -> c.tagsList(Content.randomRepo("ghost")),
                c -> c.catalog(),
                c -> c.referrers(repo, image.manifest().digest(), null),
                c -> c.get("/v2/" + repo + "/no-such-endpoint"));
        String[] names = {"GET /v2/", "GET blob", "HEAD blob", "GET unknown blob", "HEAD unknown blob",
                "GET blob bad digest", "GET manifest", "HEAD manifest", "GET unknown manifest",
                "GET manifest unknown repo", "PUT malformed manifest", "POST upload", "GET unknown upload",
                "GET tags", "GET tags unknown repo", "GET catalog", "GET referrers", "GET unknown endpoint"};
        return java.util.stream.IntStream.range(0, calls.size()).mapToObj(i -> Arguments.of(names[i], calls.get(i)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variousAnswers")
    void everyAnswerCarriesApiVersionHeader(String name, Function<RegistryClient, HttpResponse<byte[]>> call) {
        assertApiVersionHeader(call.apply(client()));
    }

    @Test
    void unknownEndpointGives404WithSpecErrorCode() {
        HttpResponse<byte[]> r = client().get("/v2/" + repo + "/no-such-endpoint");
        assertStatus(r, 404);
        // "A 4XX response code from the registry MAY return a body in any format. If the response body is in
        // JSON format, it MUST have the following format [...] The code field MUST be one of the following"
        if (r.body().length > 0 && r.body()[0] == '{') {
            OciAssertions.errorCodes(r);
        }
    }

    // ------------------------------------------------------------------------------------------ authentication

    private static HttpResponse<byte[]> withAuthorization(String method, String path, String authorization) {
        RegistryClient anonymous = new RegistryClient(client().base(), authorization);
        return anonymous.send(method, path, method.equals("POST") ? BodyPublishers.noBody() : null);
    }

    @Test
    void whenAuthenticationIsOnMissingOrWrongCredentialsGive401Unauthorized() {
        // Today's server ignores credentials; once /v2 requires Basic auth, this checks the refusal.
        HttpResponse<byte[]> probe = withAuthorization("GET", "/v2/", "Basic "
                + java.util.Base64.getEncoder().encodeToString("admin:wrong-token".getBytes(StandardCharsets.UTF_8)));
        org.junit.jupiter.api.Assumptions.assumeTrue(probe.statusCode() == 401,
                "the registry does not require authentication (yet)");
        for (String auth : java.util.Arrays.asList(null, "Basic " + java.util.Base64.getEncoder()
                        .encodeToString("admin:wrong-token".getBytes(StandardCharsets.UTF_8)),
                "Basic " + java.util.Base64.getEncoder().encodeToString("nobody:x".getBytes(StandardCharsets.UTF_8)))) {
            for (String[] req : List.of(new String[]{"GET", "/v2/"},
                    new String[]{"GET", RegistryClient.manifestPath(repo, "latest")},
                    new String[]{"POST", RegistryClient.uploadsPath(repo)})) {
                HttpResponse<byte[]> r = withAuthorization(req[0], req[1], auth);
                assertError(r, 401, "UNAUTHORIZED");
                requireHeader(r, "WWW-Authenticate");
                assertApiVersionHeader(r);
            }
        }
    }

    // ------------------------------------------------------------------------------------------ names

    private static void assertNameRejected(HttpResponse<byte[]> r) {
        assertStatus(r, 400, 404);
        if (r.request().method().equals("HEAD")) {
            return;
        }
        if (r.statusCode() == 400) {
            assertErrorCode(r, "NAME_INVALID");
        } else {
            assertErrorCode(r, "NAME_INVALID", "NAME_UNKNOWN");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"library/Upper", "library/UPPER/case", "library/a..b", "library/-lead", "library/trail-",
            "library/a___b", "library/a.-b", "library/x/.hidden"})
    void invalidRepositoryNamesAreRejected(String name) {
        Blob blob = Content.randomBlob(20);
        assertNameRejected(client().startUpload(name));
        assertNameRejected(client().postMonolithic(name, blob.bytes(), blob.digest()));
        assertNameRejected(client().putManifest(name, "latest", image.manifest()));
        assertNameRejected(client().getManifest(name, "latest"));
        assertNameRejected(client().getBlob(name, blob.digest()));
        assertNameRejected(client().tagsList(name));
        HttpResponse<byte[]> catalog = client().catalog();
        assertStatus(catalog, 200);
        assertThat(stringList(catalog, "repositories")).as(describe(catalog))
                .noneMatch(n -> n.equalsIgnoreCase(name));
    }

    @Test
    void nameOver255CharactersGives400NameInvalid() {
        String name = "library/" + "a".repeat(248); // 256 characters
        assertThat(name).hasSize(256);
        HttpResponse<byte[]> r = client().startUpload(name);
        assertError(r, 400, "NAME_INVALID");
        Blob blob = Content.randomBlob(20);
        assertError(client().postMonolithic(name, blob.bytes(), blob.digest()), 400, "NAME_INVALID");
        assertError(client().putManifest(name, "latest", image.manifest()), 400, "NAME_INVALID");
    }

    @Test
    void aNameWithNoRepositoryBelowItsRegistryGives400NameInvalidAndStoresNothing() {
        // 'library' alone would be a repository that the management API, which addresses repositories
        // within a registry, could neither show nor delete.
        Blob blob = Content.randomBlob(20);
        assertError(client().startUpload("library"), 400, "NAME_INVALID");
        assertError(client().postMonolithic("library", blob.bytes(), blob.digest()), 400, "NAME_INVALID");
        assertError(client().putManifest("library", "v1", image.manifest()), 400, "NAME_INVALID");
        assertError(client().getManifest("library", "v1"), 400, "NAME_INVALID");
        assertThat(new String(client().catalog().body(), StandardCharsets.UTF_8)).doesNotContain("\"library\"");
    }

    @Test
    void nameOf255CharactersIsAccepted() {
        String name = "library/" + Content.randomAlnum(7) + "-" + "b".repeat(239); // 255 characters
        assertThat(name).hasSize(255);
        Image img = RegistryClient.newImage(name, 1);
        client().pushImage(img, "latest");
        assertStatus(client().getManifest(name, "latest"), 200);
    }

    @Test
    void validNameVariantsAreAccepted() {
        String suffix = Content.randomAlnum(6);
        for (String name : List.of("library/a.b-c_d" + suffix, "library/a__b--c" + suffix,
                "library/nested/deeper/repo" + suffix)) {
            Blob blob = Content.randomBlob(30);
            HttpResponse<byte[]> r = client().postMonolithic(name, blob.bytes(), blob.digest());
            assertStatus(r, 201);
        }
    }

    // ------------------------------------------------------------------------------------------ tags

    @ParameterizedTest(name = "tag {0}")
    @ValueSource(strings = {"-bad", ".bad", "bad!tag", "bad+tag", "tag%40at"})
    void invalidTagOnPutGives400(String tag) {
        HttpResponse<byte[]> r = client().putManifest(repo, tag, image.manifest());
        assertError(r, 400, "MANIFEST_INVALID", "TAG_INVALID");
    }

    @Test
    void tagLongerThan128CharactersGives400() {
        HttpResponse<byte[]> r = client().putManifest(repo, "t".repeat(129), image.manifest());
        assertError(r, 400, "MANIFEST_INVALID", "TAG_INVALID");
    }

    @Test
    void edgeValidTagsAreAccepted() {
        for (String tag : List.of("_under", "UPPER.case-9", "t".repeat(128), "0")) {
            assertStatus(client().putManifest(repo, tag, image.manifest()), 201);
            assertStatus(client().getManifest(repo, tag), 200);
        }
    }

    // ------------------------------------------------------------------------------------------ digests

    @Test
    void malformedDigestOnBlobEndpointsGives400DigestInvalid() {
        for (String bad : List.of("sha256:xyz", "sha256:" + "A".repeat(64), "sha256:" + "0".repeat(65), "nodigest")) {
            assertError(client().getBlob(repo, bad), 400, "DIGEST_INVALID");
        }
        assertError(client().getBlob(repo, "md5:" + "0".repeat(32)), 400, "DIGEST_INVALID", "UNSUPPORTED");
    }

    @Test
    void malformedDigestOnMonolithicPostGives400DigestInvalid() {
        Blob blob = Content.randomBlob(50);
        assertError(client().postMonolithic(repo, blob.bytes(), "sha256:short"), 400, "DIGEST_INVALID");
        assertError(client().postMonolithic(repo, blob.bytes(), "not-a-digest"), 400, "DIGEST_INVALID");
    }

    @Test
    void malformedOrMissingDigestOnClosingPutGives400() {
        Blob blob = Content.randomBlob(50);
        HttpResponse<byte[]> post = client().startUpload(repo);
        assertStatus(post, 202);
        String location = requireHeader(post, "Location");
        assertError(client().putUpload(location, "sha256:short", blob.bytes()), 400, "DIGEST_INVALID");
        HttpResponse<byte[]> post2 = client().startUpload(repo);
        String location2 = requireHeader(post2, "Location");
        HttpResponse<byte[]> noDigest = client().send("PUT", location2, BodyPublishers.ofByteArray(blob.bytes()),
                "Content-Type", "application/octet-stream");
        assertError(noDigest, 400, "DIGEST_INVALID", "BLOB_UPLOAD_INVALID");
    }

    @Test
    void malformedDigestReferenceOnManifestGetGives400Or404() {
        HttpResponse<byte[]> r = client().getManifest(repo, "sha256:xyz");
        assertStatus(r, 400, 404);
        assertErrorCode(r, "DIGEST_INVALID", "MANIFEST_INVALID", "MANIFEST_UNKNOWN", "TAG_INVALID");
    }

    // ------------------------------------------------------------------------------------------ upload sessions

    @Test
    void unknownUploadSessionGives404BlobUploadUnknown() {
        String location = RegistryClient.uploadsPath(repo) + UUID.randomUUID();
        Blob blob = Content.randomBlob(10);
        assertError(client().uploadStatus(location), 404, "BLOB_UPLOAD_UNKNOWN");
        assertError(client().patchChunk(location, blob.bytes(), 0), 404, "BLOB_UPLOAD_UNKNOWN");
        assertError(client().putUpload(location, blob.digest(), blob.bytes()), 404, "BLOB_UPLOAD_UNKNOWN");
        assertError(client().cancelUpload(location), 404, "BLOB_UPLOAD_UNKNOWN");
    }

    @Test
    void malformedUploadIdIsRejected() {
        for (String id : List.of("not-a-session", "%2e%2e")) {
            HttpResponse<byte[]> r = client().uploadStatus(RegistryClient.uploadsPath(repo) + id);
            assertStatus(r, 400, 404);
            assertErrorCode(r, "BLOB_UPLOAD_UNKNOWN", "BLOB_UPLOAD_INVALID");
        }
    }

    @Test
    void pathTraversalInUploadIdIsRejected() {
        HttpResponse<byte[]> r = client().uploadStatus(RegistryClient.uploadsPath(repo)
                + "..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd");
        assertStatus(r, 400, 404);
        // any JSON error body must still use the spec's codes
        OciAssertions.errorCodes(r);
    }

    @Test
    void uploadSessionIsBoundToItsRepository() {
        HttpResponse<byte[]> post = client().startUpload(repo);
        assertStatus(post, 202);
        String location = client().resolve(requireHeader(post, "Location")).getPath();
        String uuid = location.substring(location.lastIndexOf('/') + 1);
        String other = Content.randomRepo("err-other");
        client().pushImage(other, "latest", 1);
        String foreign = RegistryClient.uploadsPath(other) + uuid;
        assertError(client().uploadStatus(foreign), 404, "BLOB_UPLOAD_UNKNOWN");
        assertError(client().patchChunk(foreign, Content.randomBytes(10), 0), 404, "BLOB_UPLOAD_UNKNOWN");
        // still fine in its own repository
        assertStatus(client().uploadStatus(requireHeader(post, "Location")), 204);
    }

    @Test
    void contentRangeNotMatchingBodyIsRejected() {
        HttpResponse<byte[]> post = client().startUpload(repo);
        assertStatus(post, 202);
        String location = requireHeader(post, "Location");
        byte[] data = Content.randomBytes(10);
        HttpResponse<byte[]> r = client().send("PATCH", location, BodyPublishers.ofByteArray(data),
                "Content-Type", "application/octet-stream", "Content-Range", "0-99");
        assertStatus(r, 400, 416);
        assertErrorCode(r, "BLOB_UPLOAD_INVALID", "SIZE_INVALID");
        HttpResponse<byte[]> status = client().uploadStatus(location);
        assertStatus(status, 204);
        assertThat(requireHeader(status, "Range")).as(describe(status)).isNotIn("0-99", "0-9");
    }

    @Test
    void malformedContentRangeIsRejected() {
        HttpResponse<byte[]> post = client().startUpload(repo);
        assertStatus(post, 202);
        String location = requireHeader(post, "Location");
        byte[] data = Content.randomBytes(10);
        HttpResponse<byte[]> r = client().send("PATCH", location, BodyPublishers.ofByteArray(data),
                "Content-Type", "application/octet-stream", "Content-Range", "bytes=zero-nine");
        assertStatus(r, 400, 416);
        assertErrorCode(r, "BLOB_UPLOAD_INVALID", "SIZE_INVALID");
    }

    // ------------------------------------------------------------------------------------------ manifests

    @Test
    void manifestReferencingManifestAsLayerOfAnotherRepoIsUnknown() {
        String other = Content.randomRepo("err-idx");
        Image elsewhere = client().pushImage(other, "latest", 1);
        Manifest index = Content.ociIndex().manifest(elsewhere.manifest().descriptor(), "amd64").build();
        assertError(client().putManifest(repo, "cross-index", index), 400, "MANIFEST_BLOB_UNKNOWN");
    }

    @Test
    void manifestWithWrongSchemaVersionGives400ManifestInvalid() {
        var json = Content.ociManifest().config(image.config().descriptor(Content.OCI_CONFIG)).json();
        json.put("schemaVersion", 1);
        assertError(client().putManifest(repo, "schema1", Content.OCI_MANIFEST, Content.bytes(json)), 400,
                "MANIFEST_INVALID");
    }

    @Test
    void manifestWithBadDescriptorDigestGives400() {
        var json = Content.ociManifest().config(image.config().descriptor(Content.OCI_CONFIG)).json();
        ((com.fasterxml.jackson.databind.node.ArrayNode) json.get("layers")).addObject().put("mediaType", Content.OCI_LAYER).put("digest", "sha256:nothex")
                .put("size", 3);
        HttpResponse<byte[]> r = client().putManifest(repo, "baddesc", Content.OCI_MANIFEST, Content.bytes(json));
        assertStatus(r, 400);
        assertErrorCode(r, "MANIFEST_INVALID", "DIGEST_INVALID", "MANIFEST_BLOB_UNKNOWN");
    }
}
