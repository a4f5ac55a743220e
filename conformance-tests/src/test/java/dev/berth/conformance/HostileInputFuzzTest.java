package dev.berth.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.conformance.Content.Blob;
import dev.berth.conformance.RegistryClient.Image;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.berth.conformance.ManagementClient.obj;
import static dev.berth.conformance.OciAssertions.assertBody;
import static dev.berth.conformance.OciAssertions.assertStatus;
import static dev.berth.conformance.OciAssertions.requireHeader;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property-based fuzzing of {@code /v2} and {@code /api/v1} against the real server (one for the class):
 * whatever a client sends (names, references, digests, ranges, manifests, management JSON and queries), the
 * answer comes within the connection's timeout, with a status below 500 and no Java internals in an error
 * body ({@link SafeAnswers}). After each property a normal push and pull must still work.
 *
 * <p>Every property has a fixed seed, so that CI runs the same tries each time; the tries are kept modest
 * (jqwik's default is set to 200 in {@code junit-platform.properties}) so that the class runs in well under
 * a minute.
 */
class HostileInputFuzzTest {

    private static final String SEED = "16009";
    private static final List<String> MANIFEST_FIELDS = List.of("schemaVersion", "mediaType", "config", "layers",
            "manifests", "subject", "artifactType", "annotations", "digest", "size", "urls", "platform", "data");
    private static final List<String> MANAGEMENT_FIELDS = List.of("name", "description", "public", "storage_limit_bytes",
            "storage_limit_gib", "duration_days", "expires_at", "permissions", "registry", "access", "names", "ids");

    private static RegistryProcess server;
    /**
     * One client for every try: each {@link RegistryClient} has its own pool of kept-alive connections, and a
     * new one per try would soon hold more than the server's per-address connection cap.
     */
    private static RegistryClient client;
    private static String repo;
    private static Image image;
    private static Blob blob;
    private static String registry;
    private static String userId;

    @BeforeContainer
    static void start() {
        // Thousands of tries open sessions that are neither finished nor cancelled: the session caps, which
        // UploadSessionCapTest checks, would refuse the later tries for a reason that is not the input's.
        server = RegistryProcess.startWithOptions(List.of("--upload-sessions-per-user", "1000000",
                "--upload-sessions-per-registry", "1000000"));
        client = server.client();
        repo = Content.randomRepo("fuzz");
        image = client.pushImage(repo, "latest", 1);
        blob = image.layers().get(0);
        registry = server.management().newRegistry("fuzz");
        client.pushImage(registry + "/app", "latest", 1);
        userId = server.management().newUser("fuzz", registry, "pull").get("id").asText();
    }

    @AfterContainer
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @AfterProperty
    void aNormalPushAndPullStillWork() {
        Image pushed = client.pushImage(Content.randomRepo("after-fuzz"), "latest", 2);
        HttpResponse<byte[]> manifest = client.getManifest(pushed.repo(), "latest");
        assertStatus(manifest, 200);
        assertBody(manifest, pushed.manifest().bytes());
        for (Blob b : pushed.blobs()) {
            assertBody(client.getBlob(pushed.repo(), b.digest()), b.bytes());
        }
    }

    // ------------------------------------------------------------------------------------------ /v2

    @Property(seed = SEED)
    void anyV2RequestIsAnsweredWithoutAServerError(@ForAll("methods") String method, @ForAll("v2Targets") String target,
                                                   @ForAll("smallBodies") byte[] body) {
        try (RawHttp connection = new RawHttp(server)) {
            RawHttp.Answer answer = body.length == 0
                    ? connection.send(method, target)
                    : connection.send(method, target, body, "Content-Type: application/octet-stream");
            SafeAnswers.assertSafe(answer, method + " " + target);
            Statistics.collect(answer.status());
        }
    }

    @Property(seed = SEED)
    void anyRangeOfABlobIsServedOrRefusedWithItsSize(@ForAll("ranges") String range) {
        try (RawHttp connection = new RawHttp(server)) {
            RawHttp.Answer answer = connection.send("GET", RegistryClient.blobPath(repo, blob.digest()), "Range: " + range);
            SafeAnswers.assertSafe(answer, "Range: " + range);
            Statistics.collect(answer.status());
            assertThat(answer.status()).as("Range: %s -> %s", range, answer).isIn(200, 206, 416);
            if (answer.status() == 416) {
                assertThat(answer.header("Content-Range")).as(answer.toString()).contains("bytes */" + blob.size());
            } else {
                byte[] expected = answer.status() == 200 ? blob.bytes() : slice(answer.header("Content-Range").orElseThrow());
                assertThat(answer.body()).as("body for Range: %s", range).isEqualTo(expected);
            }
        }
    }

    /** The blob's bytes that {@code Content-Range: bytes a-b/size} names. */
    private static byte[] slice(String contentRange) {
        String[] bounds = contentRange.substring("bytes ".length(), contentRange.indexOf('/')).split("-");
        return Arrays.copyOfRange(blob.bytes(), Integer.parseInt(bounds[0]), Integer.parseInt(bounds[1]) + 1);
    }

    @Property(seed = SEED, tries = 100)
    void aChunkIsTakenWholeOrLeavesTheSessionAsItWas(@ForAll("contentRanges") String hostileRange,
                                                     @ForAll("smallBodies") byte[] chunk, @ForAll boolean rightRange) {
        String contentRange = rightRange ? "10-" + (9 + chunk.length) : hostileRange;
        String location = sessionHoldingTenBytes();
        RawHttp.Answer answer;
        try (RawHttp connection = new RawHttp(server)) {
            answer = connection.send("PATCH", client.resolve(location).getRawPath(), chunk,
                    "Content-Type: application/octet-stream", "Content-Range: " + contentRange);
        }
        SafeAnswers.assertSafe(answer, "Content-Range: " + contentRange);
        Statistics.collect(answer.status());
        assertSessionHolds(location, answer.status() == 202 ? 10 + chunk.length : 10, answer);
    }

    @Property(seed = SEED, tries = 100)
    void aChunkedPatchIsTakenWholeOrRefusedLeavingTheSessionAsItWas(@ForAll("chunkedBodies") HostileInputs.ChunkedBody body) {
        String location = sessionHoldingTenBytes();
        RawHttp.Answer answer;
        try (RawHttp connection = new RawHttp(server)) {
            byte[] head = connection.head("PATCH", client.resolve(location).getRawPath(),
                    "Content-Type: application/octet-stream", "Transfer-Encoding: chunked").getBytes(StandardCharsets.US_ASCII);
            answer = connection.send(ByteBuffer.allocate(head.length + body.bytes().length).put(head).put(body.bytes()).array());
            SafeAnswers.assertSafe(answer, "chunked PATCH " + body);
            Statistics.collect(body.wellFormed() ? "well-formed" : "broken");
            assertThat(answer.status()).as("chunked PATCH %s: %s", body, answer).isEqualTo(body.wellFormed() ? 202 : 400);
            assertThat(answer.closes()).as("a connection whose body broke is closed: %s", answer).isEqualTo(!body.wellFormed());
        }
        assertSessionHolds(location, body.wellFormed() ? 10 + body.dataLength() : 10, answer);
    }

    /** A fresh upload session of {@link #repo} that holds ten bytes; its Location. */
    private static String sessionHoldingTenBytes() {
        HttpResponse<byte[]> post = client.startUpload(repo);
        assertStatus(post, 202);
        return requireHeader(client.patchChunk(requireHeader(post, "Location"), Content.randomBytes(10), 0), "Location");
    }

    private static void assertSessionHolds(String location, long bytes, RawHttp.Answer after) {
        assertThat(requireHeader(client.uploadStatus(location), "Range")).as("session after %s", after)
                .isEqualTo("0-" + (bytes - 1));
    }

    @Property(seed = SEED)
    void anyManifestIsStoredOrRefusedWithoutAServerError(@ForAll("manifestBodies") byte[] body,
                                                         @ForAll("mediaTypes") String mediaType,
                                                         @ForAll("references") String reference) {
        try (RawHttp connection = new RawHttp(server)) {
            String target = RegistryClient.manifestPath(repo, reference);
            RawHttp.Answer answer = connection.send("PUT", target, body, "Content-Type: " + mediaType);
            SafeAnswers.assertSafe(answer, "PUT " + target);
            Statistics.collect(answer.status());
        }
    }

    // ------------------------------------------------------------------------------------------ /api/v1

    @Property(seed = SEED)
    void anyManagementBodyIsAnsweredWithoutAServerError(@ForAll("managementRequests") Tuple2<String, byte[]> request) {
        String call = request.get1();
        String[] methodAndPath = call.split(" ", 2);
        try (RawHttp connection = new RawHttp(server, "Bearer " + server.adminToken())) {
            RawHttp.Answer answer = connection.send(methodAndPath[0], ManagementClient.API + methodAndPath[1], request.get2(),
                    "Content-Type: application/json");
            SafeAnswers.assertSafe(answer, call);
            Statistics.collect(answer.status());
            assertManagementShape(answer, call);
        }
    }

    @Property(seed = SEED)
    void anyManagementListQueryIsAnsweredWithoutAServerError(@ForAll("managementLists") String list,
                                                             @ForAll("managementQueries") String query) {
        String target = ManagementClient.API + list + "?" + query;
        try (RawHttp connection = new RawHttp(server, "Bearer " + server.adminToken())) {
            RawHttp.Answer answer = connection.send("GET", target);
            SafeAnswers.assertSafe(answer, target);
            Statistics.collect(answer.status());
            assertManagementShape(answer, target);
        }
    }

    /** A management error is the contract's {@code {"error": {"code", "message"}}}. */
    private static void assertManagementShape(RawHttp.Answer answer, String request) {
        if (answer.status() >= 400) {
            JsonNode error = Content.parse(answer.body()).path("error");
            assertThat(error.path("code").isTextual() && error.path("message").isTextual())
                    .as("error body of %s: %s", request, answer).isTrue();
        }
    }

    // ------------------------------------------------------------------------------------------ found by the fuzzer

    // What these properties found before issue 16's fixes, as jqwik shrank it: kept to be tried on every run.

    /** The connection was closed without an answer. */
    @Example
    void aQueryValueThatIsALoneEscapeMark() {
        anyV2RequestIsAnsweredWithoutAServerError("GET", "/v2/a.a.a/tags/list?n=%", new byte[0]);
    }

    /** The connection was closed without an answer. */
    @Example
    void aManifestReferenceThatIsALoneEscapeMark() {
        anyManifestIsStoredOrRefusedWithoutAServerError("[]".getBytes(StandardCharsets.UTF_8), Content.OCI_MANIFEST, "%");
    }

    /** A 500: NumberFormatException. */
    @Example
    void aContentRangeStartPastALong() {
        aChunkIsTakenWholeOrLeavesTheSessionAsItWas("9223372036854775808-0", new byte[0], false);
    }

    /** A 416 with the upload's error code and no Content-Range: bytes *&#47;size. */
    @Example
    void aRangeThatEndsBeforeItStarts() {
        anyRangeOfABlobIsServedOrRefusedWithItsSize("bytes=1-0");
    }

    // ------------------------------------------------------------------------------------------ generators

    @Provide
    Arbitrary<String> methods() {
        return Arbitraries.of("GET", "HEAD", "PUT", "PATCH", "POST", "DELETE", "OPTIONS");
    }

    @Provide
    Arbitrary<String> v2Targets() {
        Arbitrary<String> endpoint = Arbitraries.oneOf(
                Arbitraries.of("tags/list", "blobs/uploads/"),
                HostileInputs.references().map(r -> "manifests/" + r),
                HostileInputs.digests().map(d -> "blobs/" + d),
                HostileInputs.uploadIds().map(id -> "blobs/uploads/" + id),
                HostileInputs.digests().map(d -> "referrers/" + d));
        Arbitrary<String> name = Arbitraries.frequencyOf(
                Tuple.of(4, HostileInputs.repositoryNames()),
                Tuple.of(1, Arbitraries.just(repo)));
        Arbitrary<String> path = Arbitraries.oneOf(
                Combinators.combine(name, endpoint).as((n, e) -> "/v2/" + n + "/" + e),
                Arbitraries.of("/v2/", "/v2", "/v2/_catalog", "/v2/_catalog/", "/v2//tags/list"));
        Arbitrary<String> query = HostileInputs.queries("n", "last", "digest", "mount", "from", "artifactType");
        return Combinators.combine(path, query).as((p, q) -> q.isEmpty() ? p : p + "?" + q);
    }

    @Provide
    Arbitrary<byte[]> smallBodies() {
        return Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.just(new byte[0])),
                Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(64)));
    }

    @Provide
    Arbitrary<String> ranges() {
        return HostileInputs.ranges();
    }

    @Provide
    Arbitrary<String> contentRanges() {
        return HostileInputs.contentRanges();
    }

    @Provide
    Arbitrary<HostileInputs.ChunkedBody> chunkedBodies() {
        return HostileInputs.chunkedBodies();
    }

    @Provide
    Arbitrary<String> references() {
        return HostileInputs.references();
    }

    @Provide
    Arbitrary<byte[]> manifestBodies() {
        JsonNode valid = Content.parse(image.manifest().bytes());
        return HostileInputs.bodies(Arbitraries.oneOf(HostileInputs.json(4, MANIFEST_FIELDS),
                HostileInputs.mutationsOf(valid, MANIFEST_FIELDS)));
    }

    @Provide
    Arbitrary<String> mediaTypes() {
        return Arbitraries.of(Content.OCI_MANIFEST, Content.OCI_INDEX, Content.DOCKER_MANIFEST, Content.DOCKER_LIST,
                Content.OCI_CONFIG, "application/json", "text/plain", "application/vnd.oci.image.manifest.v1+json; charset=x",
                "");
    }

    /**
     * A management call with a body: any JSON document, or a valid body of that call with one field changed
     * (so that the deeper rules, the 422s, are reached too).
     */
    @Provide
    Arbitrary<Tuple2<String, byte[]>> managementRequests() {
        List<Map.Entry<String, JsonNode>> validBodies = List.of(
                Map.entry("POST /registries", obj("name", "fuzz-made", "public", false, "storage_limit_bytes", 100_000)),
                Map.entry("PATCH /registries/" + registry, obj("public", true, "storage_limit_bytes", 1_000_000)),
                Map.entry("POST /users", obj("name", "fuzz-user", "description", "made by the fuzzer", "duration_days", 30,
                        "permissions", ManagementClient.permissions(registry, "pull"))),
                Map.entry("PATCH /users/" + userId, obj("description", "fuzzed", "expires_at", "2099-01-01T00:00:00Z")),
                Map.entry("PUT /users/" + userId + "/permissions", obj("permissions", ManagementClient.permissions(registry, "push"))),
                Map.entry("POST /users/" + userId + "/disable", obj()),
                Map.entry("POST /users/" + userId + "/enable", obj()),
                Map.entry("PATCH /registries/no-such-registry", obj("public", true)),
                Map.entry("PATCH /users/u-0000", obj("description", "nobody")));
        return Arbitraries.of(validBodies).flatMap(call -> HostileInputs.bodies(Arbitraries.oneOf(
                        HostileInputs.json(3, MANAGEMENT_FIELDS), HostileInputs.mutationsOf(call.getValue(), MANAGEMENT_FIELDS)))
                .map(body -> Tuple.of(call.getKey(), body)));
    }

    @Provide
    Arbitrary<String> managementLists() {
        String reg = ManagementClient.registryPath(registry);
        return Arbitraries.of("/registries", "/users", reg + "/repositories", reg + "/users", reg + "/history",
                ManagementClient.repositoryPath(registry, "app") + "/artifacts", "/registries/no-such-registry/history");
    }

    @Provide
    Arbitrary<String> managementQueries() {
        return HostileInputs.queries("page", "size", "name", "public", "registry", "status", "action", "tag");
    }
}
