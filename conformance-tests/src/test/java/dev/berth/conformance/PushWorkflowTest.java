package dev.berth.conformance;

import dev.berth.conformance.Content.Blob;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.berth.conformance.OciAssertions.assertBody;
import static dev.berth.conformance.OciAssertions.assertContentLength;
import static dev.berth.conformance.OciAssertions.assertDigestHeader;
import static dev.berth.conformance.OciAssertions.assertError;
import static dev.berth.conformance.OciAssertions.assertHeader;
import static dev.berth.conformance.OciAssertions.assertStatus;
import static dev.berth.conformance.OciAssertions.describe;
import static dev.berth.conformance.OciAssertions.header;
import static dev.berth.conformance.OciAssertions.requireHeader;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Blob push workflow (distribution-spec v1.1 "Pushing blobs", "Pushing a blob in chunks", "Mounting a blob from
 * another repository"; conformance 02_push_test.go and the blob API tests of the newer runner): sessions,
 * monolithic, POST+PUT, chunked, streamed, bad digests, cancel, cross-repository mounts and de-duplication.
 */
class PushWorkflowTest {

    @RegisterExtension
    static final RegistryExtension registry = RegistryExtension.perClass();

    private static RegistryClient client() {
        return registry.client();
    }

    /** Path part of a (relative or absolute) Location. */
    private static String pathOf(String location) {
        return client().resolve(location).getPath();
    }

    /** Opens a session with POST (Content-Length: 0) and returns the response, asserting 202 + Location. */
    private static HttpResponse<byte[]> open(String repo) {
        HttpResponse<byte[]> post = client().startUpload(repo);
        assertStatus(post, 202);
        requireHeader(post, "Location");
        return post;
    }

    /** Chunk size honouring OCI-Chunk-Min-Length, at least {@code wanted}. */
    private static int chunkSize(HttpResponse<byte[]> post, int wanted) {
        return header(post, "OCI-Chunk-Min-Length").map(Integer::parseInt).map(m -> Math.max(m, wanted))
                .orElse(wanted);
    }

    private static void assertBlobStored(String repo, Blob blob) {
        HttpResponse<byte[]> head = client().headBlob(repo, blob.digest());
        assertStatus(head, 200);
        assertContentLength(head, blob.size());
        HttpResponse<byte[]> get = client().getBlob(repo, blob.digest());
        assertStatus(get, 200);
        assertBody(get, blob.bytes());
        assertDigestHeader(get, blob.digest());
    }

    /** A successful closing PUT / single POST: 201, Location pullable with the exact bytes, digest header. */
    private static void assertCreated(HttpResponse<byte[]> r, String repo, Blob blob) {
        assertStatus(r, 201);
        String location = requireHeader(r, "Location");
        assertDigestHeader(r, blob.digest());
        HttpResponse<byte[]> get = client().get(location);
        assertStatus(get, 200);
        assertBody(get, blob.bytes());
        assertBlobStored(repo, blob);
    }

    // ------------------------------------------------------------------------------------------ sessions

    @Test
    void postOpensSessionWith202LocationUuidAndRange() {
        String repo = Content.randomRepo("push");
        HttpResponse<byte[]> post = client().startUpload(repo);
        assertStatus(post, 202);
        String location = requireHeader(post, "Location");
        String uuid = requireHeader(post, "Docker-Upload-UUID");
        assertThat(location).as("the Location MUST contain the session id (%s)\n%s", uuid, describe(post))
                .contains(uuid);
        assertThat(pathOf(location)).as(describe(post)).startsWith("/v2/" + repo + "/blobs/uploads/");
        assertThat(requireHeader(post, "Range")).as(describe(post)).matches("0-(-1|\\d+)");

        HttpResponse<byte[]> second = client().startUpload(repo);
        assertStatus(second, 202);
        assertThat(requireHeader(second, "Location")).as("each session gets its own location").isNotEqualTo(location);
        assertThat(requireHeader(second, "Docker-Upload-UUID")).isNotEqualTo(uuid);
    }

    @Test
    void statusOfFreshSessionGives204WithLocationAndRange() {
        String repo = Content.randomRepo("push");
        HttpResponse<byte[]> post = open(repo);
        HttpResponse<byte[]> status = client().uploadStatus(requireHeader(post, "Location"));
        assertStatus(status, 204);
        requireHeader(status, "Location");
        assertThat(requireHeader(status, "Range")).as(describe(status)).matches("0-(-1|0)");
    }

    // ------------------------------------------------------------------------------------------ monolithic

    @Test
    void singlePostWithDigestGives201() {
        String repo = Content.randomRepo("push");
        Blob blob = Content.randomBlob(512);
        HttpResponse<byte[]> r = client().postMonolithic(repo, blob.bytes(), blob.digest());
        assertCreated(r, repo, blob);
        assertThat(pathOf(requireHeader(r, "Location"))).isEqualTo("/v2/" + repo + "/blobs/" + blob.digest());
    }

    @Test
    void postThenPutWithBodyGives201() {
        String repo = Content.randomRepo("push");
        Blob blob = Content.randomBlob(512);
        HttpResponse<byte[]> post = open(repo);
        HttpResponse<byte[]> put = client().putUpload(requireHeader(post, "Location"), blob.digest(), blob.bytes());
        assertCreated(put, repo, blob);
    }

    @Test
    void emptyBlobCanBePushedAndPulled() {
        String repo = Content.randomRepo("push");
        Blob empty = Blob.of(new byte[0]);
        HttpResponse<byte[]> post = open(repo);
        HttpResponse<byte[]> put = client().putUpload(requireHeader(post, "Location"), empty.digest(), new byte[0]);
        assertCreated(put, repo, empty);
    }

    @Test
    void emptyJsonBlobCanBePushedAndPulled() {
        String repo = Content.randomRepo("push");
        Blob emptyJson = Blob.of(Content.EMPTY_JSON);
        assertThat(emptyJson.digest()).isEqualTo(Content.EMPTY_JSON_DIGEST);
        HttpResponse<byte[]> post = open(repo);
        assertCreated(client().putUpload(requireHeader(post, "Location"), emptyJson.digest(), emptyJson.bytes()),
                repo, emptyJson);
    }

    // ------------------------------------------------------------------------------------------ chunked

    @Test
    void chunkedUploadInThreePatchesThenEmptyPut() {
        String repo = Content.randomRepo("push");
        HttpResponse<byte[]> post = open(repo);
        int chunk = chunkSize(post, 200);
        Blob blob = Content.randomBlob(chunk * 3 - 5);
        String location = requireHeader(post, "Location");
        int offset = 0;
        while (offset < blob.size()) {
            int end = Math.min(offset + chunk, blob.size());
            HttpResponse<byte[]> patch = client().patchChunk(location, Arrays.copyOfRange(blob.bytes(), offset, end),
                    offset);
            assertStatus(patch, 202);
            assertHeader(patch, "Range", "0-" + (end - 1));
            location = requireHeader(patch, "Location");
            offset = end;
        }
        HttpResponse<byte[]> status = client().uploadStatus(location);
        assertStatus(status, 204);
        assertHeader(status, "Range", "0-" + (blob.size() - 1));
        assertCreated(client().putUpload(location, blob.digest()), repo, blob);
    }

    /**
     * spec.md: "If the registry has a minimum chunk size, the POST response SHOULD include" {@code OCI-Chunk-Min-Length}.
     * Berth has none unless its operator sets one (a chunk is appended as it comes, on either blob store; see
     * {@code ChunkMinLengthTest}), so by default it sends no such header, and chunks of a single byte are taken like
     * any others.
     */
    @Test
    void byDefaultAnyChunkSizeIsTakenSoNoMinimumIsAdvertised() {
        String repo = Content.randomRepo("push");
        HttpResponse<byte[]> post = open(repo);
        assertThat(header(post, "OCI-Chunk-Min-Length")).isEmpty();
        Blob blob = Content.randomBlob(7);
        String location = requireHeader(post, "Location");
        for (int offset = 0; offset < blob.size(); offset++) {
            HttpResponse<byte[]> patch = client().patchChunk(location, new byte[] {blob.bytes()[offset]}, offset);
            assertStatus(patch, 202);
            assertHeader(patch, "Range", "0-" + offset);
            location = requireHeader(patch, "Location");
        }
        assertCreated(client().putUpload(location, blob.digest()), repo, blob);
    }

    @Test
    void chunkedUploadWithLastChunkInClosingPut() {
        String repo = Content.randomRepo("push");
        HttpResponse<byte[]> post = open(repo);
        int chunk = chunkSize(post, 200);
        Blob blob = Content.randomBlob(chunk * 2 + 17);
        String location = requireHeader(post, "Location");
        for (int i = 0; i < 2; i++) {
            HttpResponse<byte[]> patch = client().patchChunk(location,
                    Arrays.copyOfRange(blob.bytes(), i * chunk, (i + 1) * chunk), (long) i * chunk);
            assertStatus(patch, 202);
            assertHeader(patch, "Range", "0-" + ((i + 1) * chunk - 1));
            location = requireHeader(patch, "Location");
        }
        HttpResponse<byte[]> put = client().putLastChunk(location, blob.digest(),
                Arrays.copyOfRange(blob.bytes(), 2 * chunk, blob.size()), 2L * chunk);
        assertCreated(put, repo, blob);
    }

    @Test
    void patchThenClosingPutWithBodyButNoContentRange() {
        // the closing PUT carries "Content-Range: <range of chunk, if present>": here it is absent
        String repo = Content.randomRepo("push");
        Blob blob = Content.randomBlob(900);
        HttpResponse<byte[]> post = open(repo);
        HttpResponse<byte[]> patch = client().patchChunk(requireHeader(post, "Location"),
                Arrays.copyOfRange(blob.bytes(), 0, 500), 0);
        assertStatus(patch, 202);
        HttpResponse<byte[]> put = client().putUpload(requireHeader(patch, "Location"), blob.digest(),
                Arrays.copyOfRange(blob.bytes(), 500, 900));
        assertCreated(put, repo, blob);
    }

    @Test
    void outOfOrderChunkGives416AndStatusTellsWhereToResume() {
        String repo = Content.randomRepo("push");
        HttpResponse<byte[]> post = open(repo);
        int chunk = chunkSize(post, 100);
        Blob blob = Content.randomBlob(chunk * 3 - 5);
        String location = requireHeader(post, "Location");

        HttpResponse<byte[]> first = client().patchChunk(location, Arrays.copyOfRange(blob.bytes(), 0, chunk), 0);
        assertStatus(first, 202);
        location = requireHeader(first, "Location");

        // skip the second chunk: send the third
        HttpResponse<byte[]> skipped = client().patchChunk(location,
                Arrays.copyOfRange(blob.bytes(), 2 * chunk, blob.size()), 2L * chunk);
        assertStatus(skipped, 416);

        HttpResponse<byte[]> status = client().uploadStatus(location);
        assertStatus(status, 204);
        assertHeader(status, "Range", "0-" + (chunk - 1));
        location = requireHeader(status, "Location");

        HttpResponse<byte[]> second = client().patchChunk(location,
                Arrays.copyOfRange(blob.bytes(), chunk, 2 * chunk), chunk);
        assertStatus(second, 202);
        assertHeader(second, "Range", "0-" + (2 * chunk - 1));
        location = requireHeader(second, "Location");
        HttpResponse<byte[]> put = client().putLastChunk(location, blob.digest(),
                Arrays.copyOfRange(blob.bytes(), 2 * chunk, blob.size()), 2L * chunk);
        assertCreated(put, repo, blob);
    }

    @Test
    void aClosingPutWhoseRangeDoesNotContinueTheSessionGives416AndKeepsIt() {
        // distribution-spec main, "Pushing a blob in chunks": the closing PUT's Content-Range must continue the
        // session as a PATCH's does, else 416.
        String repo = Content.randomRepo("push");
        HttpResponse<byte[]> post = open(repo);
        int chunk = chunkSize(post, 100);
        Blob blob = Content.randomBlob(chunk * 2);
        HttpResponse<byte[]> first = client().patchChunk(requireHeader(post, "Location"),
                Arrays.copyOfRange(blob.bytes(), 0, chunk), 0);
        assertStatus(first, 202);
        String location = requireHeader(first, "Location");
        byte[] rest = Arrays.copyOfRange(blob.bytes(), chunk, blob.size());

        assertStatus(client().putLastChunk(location, blob.digest(), rest, chunk + 10L), 416);

        HttpResponse<byte[]> status = client().uploadStatus(location);
        assertStatus(status, 204);
        assertHeader(status, "Range", "0-" + (chunk - 1));
        assertCreated(client().putLastChunk(requireHeader(status, "Location"), blob.digest(), rest, chunk), repo, blob);
    }

    @Test
    void firstChunkNotStartingAtZeroGives416() {
        String repo = Content.randomRepo("push");
        HttpResponse<byte[]> post = open(repo);
        byte[] data = Content.randomBytes(50);
        assertStatus(client().patchChunk(requireHeader(post, "Location"), data, 10), 416);
    }

    @Test
    void retryOfPreviousChunkOnStaleLocationGives416ThenStatus204() {
        // 02_push_test.go: "Retry previous blob chunk should return 416",
        // "Get on stale blob upload should return 204 with a range and location"
        String repo = Content.randomRepo("push");
        HttpResponse<byte[]> post = open(repo);
        int chunk = chunkSize(post, 100);
        Blob blob = Content.randomBlob(chunk * 2);
        String staleLocation = requireHeader(post, "Location");
        byte[] chunk1 = Arrays.copyOfRange(blob.bytes(), 0, chunk);

        HttpResponse<byte[]> first = client().patchChunk(staleLocation, chunk1, 0);
        assertStatus(first, 202);
        assertHeader(first, "Range", "0-" + (chunk - 1));

        assertStatus(client().patchChunk(staleLocation, chunk1, 0), 416);

        HttpResponse<byte[]> status = client().uploadStatus(staleLocation);
        assertStatus(status, 204);
        assertHeader(status, "Range", "0-" + (chunk - 1));
        String location = requireHeader(status, "Location");

        HttpResponse<byte[]> second = client().patchChunk(location, Arrays.copyOfRange(blob.bytes(), chunk, 2 * chunk),
                chunk);
        assertStatus(second, 202);
        assertCreated(client().putUpload(requireHeader(second, "Location"), blob.digest()), repo, blob);
    }

    @Test
    void backToBackRequestsOnOneSessionAreNeverTakenForConcurrentOnes() {
        // Every request below is sent only after the answer to the previous one has arrived, so none of them may
        // be refused as overlapping another one on the same session (chunks "MUST be uploaded in order", and
        // these are).
        String repo = Content.randomRepo("push-seq");
        for (int i = 0; i < 200; i++) {
            Blob blob = Content.randomBlob(300);
            HttpResponse<byte[]> post = open(repo);
            HttpResponse<byte[]> p1 = client().patchChunk(requireHeader(post, "Location"),
                    Arrays.copyOfRange(blob.bytes(), 0, 100), 0);
            assertStatus(p1, 202);
            HttpResponse<byte[]> p2 = client().patchChunk(requireHeader(p1, "Location"),
                    Arrays.copyOfRange(blob.bytes(), 100, 200), 100);
            assertStatus(p2, 202);
            HttpResponse<byte[]> status = client().uploadStatus(requireHeader(p2, "Location"));
            assertStatus(status, 204);
            HttpResponse<byte[]> put = client().putLastChunk(requireHeader(status, "Location"), blob.digest(),
                    Arrays.copyOfRange(blob.bytes(), 200, 300), 200);
            assertStatus(put, 201);
        }
    }

    // ------------------------------------------------------------------------------------------ streamed

    @Test
    void streamedPatchWithChunkedTransferEncoding() {
        String repo = Content.randomRepo("push");
        Blob blob = Content.randomBlob(3000);
        HttpResponse<byte[]> post = open(repo);
        HttpResponse<byte[]> patch = client().patchStreamed(requireHeader(post, "Location"), blob.bytes());
        assertStatus(patch, 202);
        assertHeader(patch, "Range", "0-" + (blob.size() - 1));
        String location = requireHeader(patch, "Location");
        HttpResponse<byte[]> status = client().uploadStatus(location);
        assertStatus(status, 204);
        assertHeader(status, "Range", "0-" + (blob.size() - 1));
        assertCreated(client().putUpload(location, blob.digest()), repo, blob);
    }

    @Test
    void streamedPatchWithContentLengthButNoContentRange() {
        // the "stream" case of the conformance runner: one PATCH with the whole body, no Content-Range
        String repo = Content.randomRepo("push");
        Blob blob = Content.randomBlob(512);
        HttpResponse<byte[]> post = open(repo);
        HttpResponse<byte[]> patch = client().patchWithoutRange(requireHeader(post, "Location"), blob.bytes());
        assertStatus(patch, 202);
        assertHeader(patch, "Range", "0-" + (blob.size() - 1));
        assertCreated(client().putUpload(requireHeader(patch, "Location"), blob.digest()), repo, blob);
    }

    // ------------------------------------------------------------------------------------------ bad digests

    @Test
    void putWithWrongDigestGives400DigestInvalidAndBlobIsNotStored() {
        String repo = Content.randomRepo("push");
        Blob blob = Content.randomBlob(512);
        String claimed = Content.unknownDigest();
        HttpResponse<byte[]> post = open(repo);
        assertError(client().putUpload(requireHeader(post, "Location"), claimed, blob.bytes()), 400,
                "DIGEST_INVALID");
        assertStatus(client().headBlob(repo, claimed), 404);
        assertStatus(client().getBlob(repo, claimed), 404);
    }

    @Test
    void singlePostWithWrongDigestGives400DigestInvalid() {
        String repo = Content.randomRepo("push");
        Blob blob = Content.randomBlob(512);
        String claimed = Content.unknownDigest();
        assertError(client().postMonolithic(repo, blob.bytes(), claimed), 400, "DIGEST_INVALID");
        assertStatus(client().headBlob(repo, claimed), 404);
    }

    @Test
    void chunkedUploadClosedWithWrongDigestGives400() {
        String repo = Content.randomRepo("push");
        HttpResponse<byte[]> post = open(repo);
        int chunk = chunkSize(post, 100);
        Blob blob = Content.randomBlob(chunk * 2);
        String location = requireHeader(post, "Location");
        HttpResponse<byte[]> p1 = client().patchChunk(location, Arrays.copyOfRange(blob.bytes(), 0, chunk), 0);
        assertStatus(p1, 202);
        String claimed = Content.sha256(Arrays.copyOf(blob.bytes(), blob.size() + 1));
        HttpResponse<byte[]> put = client().putLastChunk(requireHeader(p1, "Location"), claimed,
                Arrays.copyOfRange(blob.bytes(), chunk, 2 * chunk), chunk);
        assertError(put, 400, "DIGEST_INVALID");
        assertStatus(client().headBlob(repo, claimed), 404);
    }

    @Test
    void streamedUploadClosedWithWrongDigestGives400() {
        String repo = Content.randomRepo("push");
        Blob blob = Content.randomBlob(700);
        HttpResponse<byte[]> post = open(repo);
        HttpResponse<byte[]> patch = client().patchStreamed(requireHeader(post, "Location"), blob.bytes());
        assertStatus(patch, 202);
        String claimed = Content.unknownDigest();
        assertError(client().putUpload(requireHeader(patch, "Location"), claimed), 400, "DIGEST_INVALID");
        assertStatus(client().headBlob(repo, claimed), 404);
    }

    // ------------------------------------------------------------------------------------------ cancel, close

    @Test
    void deleteSessionGives204ThenSessionIsUnknown() {
        String repo = Content.randomRepo("push");
        HttpResponse<byte[]> post = open(repo);
        String location = requireHeader(post, "Location");
        HttpResponse<byte[]> patch = client().patchChunk(location, Content.randomBytes(40), 0);
        assertStatus(patch, 202);
        location = requireHeader(patch, "Location");

        assertStatus(client().cancelUpload(location), 204);
        assertError(client().uploadStatus(location), 404, "BLOB_UPLOAD_UNKNOWN");
        assertError(client().patchChunk(location, Content.randomBytes(10), 40), 404, "BLOB_UPLOAD_UNKNOWN");
        Blob any = Content.randomBlob(10);
        assertError(client().putUpload(location, any.digest(), any.bytes()), 404, "BLOB_UPLOAD_UNKNOWN");
        assertError(client().cancelUpload(location), 404, "BLOB_UPLOAD_UNKNOWN");
    }

    @Test
    void completedSessionIsUnknownAfterwards() {
        String repo = Content.randomRepo("push");
        Blob blob = Content.randomBlob(128);
        HttpResponse<byte[]> post = open(repo);
        String location = requireHeader(post, "Location");
        assertStatus(client().putUpload(location, blob.digest(), blob.bytes()), 201);
        assertError(client().uploadStatus(location), 404, "BLOB_UPLOAD_UNKNOWN");
        assertError(client().patchChunk(location, Content.randomBytes(10), 128), 404, "BLOB_UPLOAD_UNKNOWN");
    }

    // ------------------------------------------------------------------------------------------ mounts

    @Test
    void mountFromRepositoryHoldingTheBlobGives201() {
        String source = Content.randomRepo("src");
        String target = Content.randomRepo("dst");
        Blob blob = Content.randomBlob(512);
        client().pushBlob(source, blob);
        assertStatus(client().headBlob(target, blob.digest()), 404);

        HttpResponse<byte[]> r = client().mount(target, blob.digest(), source);
        assertStatus(r, 201);
        assertThat(pathOf(requireHeader(r, "Location"))).as(describe(r))
                .isEqualTo("/v2/" + target + "/blobs/" + blob.digest());
        assertDigestHeader(r, blob.digest());
        HttpResponse<byte[]> viaLocation = client().get(requireHeader(r, "Location"));
        assertStatus(viaLocation, 200);
        assertBody(viaLocation, blob.bytes());
        assertBlobStored(target, blob);
        // the source keeps it
        assertBlobStored(source, blob);
    }

    @Test
    void mountFromRepositoryLackingTheBlobOpensSession() {
        String source = Content.randomRepo("src");
        String target = Content.randomRepo("dst");
        client().pushBlob(source, Content.randomBlob(20)); // the source exists, without our blob
        Blob blob = Content.randomBlob(512);

        HttpResponse<byte[]> r = client().mount(target, blob.digest(), source);
        assertStatus(r, 202);
        String location = requireHeader(r, "Location");
        assertThat(pathOf(location)).as(describe(r)).startsWith("/v2/" + target + "/blobs/uploads/");
        // the session is usable
        assertCreated(client().putUpload(location, blob.digest(), blob.bytes()), target, blob);
    }

    @Test
    void mountFromUnknownRepositoryOpensSession() {
        String target = Content.randomRepo("dst");
        HttpResponse<byte[]> r = client().mount(target, Content.unknownDigest(), Content.randomRepo("ghost"));
        assertStatus(r, 202);
        assertThat(pathOf(requireHeader(r, "Location"))).startsWith("/v2/" + target + "/blobs/uploads/");
    }

    @Test
    void mountWithoutFromOfExistingBlobGives201Or202() {
        // spec: "The registry MAY treat the from parameter as optional, and it MAY cross-mount the blob if it can
        // be found." Otherwise 202 with a session.
        String source = Content.randomRepo("src");
        String target = Content.randomRepo("dst");
        Blob blob = Content.randomBlob(256);
        client().pushBlob(source, blob);
        HttpResponse<byte[]> r = client().mount(target, blob.digest(), null);
        assertStatus(r, 201, 202);
        String location = requireHeader(r, "Location");
        if (r.statusCode() == 201) {
            assertThat(pathOf(location)).isEqualTo("/v2/" + target + "/blobs/" + blob.digest());
            assertBlobStored(target, blob);
        } else {
            assertThat(pathOf(location)).startsWith("/v2/" + target + "/blobs/uploads/");
            assertStatus(client().headBlob(target, blob.digest()), 404);
        }
    }

    @Test
    void mountWithoutFromOfUnknownDigestOpensSession() {
        // 02_push_test.go: "Cross-mounting of a blob without the from argument should yield session id"
        String target = Content.randomRepo("dst");
        HttpResponse<byte[]> r = client().mount(target, Content.unknownDigest(), null);
        assertStatus(r, 202);
        assertThat(pathOf(requireHeader(r, "Location"))).startsWith("/v2/" + target + "/blobs/uploads/");
    }

    // ------------------------------------------------------------------------------------------ de-duplication

    @Test
    void secondPushOfSameBlobIsFoundByHeadFirstAndPushingAgainStillWorks() {
        String repo = Content.randomRepo("dedup");
        Blob blob = Content.randomBlob(1024);
        assertStatus(client().headBlob(repo, blob.digest()), 404);
        assertCreated(client().postMonolithic(repo, blob.bytes(), blob.digest()), repo, blob);

        // a second client checks first, as "Layer Upload De-duplication" describes
        HttpResponse<byte[]> head = client().headBlob(repo, blob.digest());
        assertStatus(head, 200);
        assertContentLength(head, blob.size());
        assertDigestHeader(head, blob.digest());

        // and pushing it again anyway is harmless
        HttpResponse<byte[]> post = open(repo);
        assertCreated(client().putUpload(requireHeader(post, "Location"), blob.digest(), blob.bytes()), repo, blob);
        assertCreated(client().postMonolithic(repo, blob.bytes(), blob.digest()), repo, blob);
    }

    @Test
    void interleavedUploadsOfTheSameBlobBothSucceed() {
        // "If process A and B upload the same layer at the same time, both operations will proceed and the
        // first to complete will be stored in the registry."
        String repo = Content.randomRepo("dedup");
        Blob blob = Content.randomBlob(600);
        HttpResponse<byte[]> a = open(repo);
        HttpResponse<byte[]> b = open(repo);
        HttpResponse<byte[]> pa = client().patchChunk(requireHeader(a, "Location"),
                Arrays.copyOfRange(blob.bytes(), 0, 300), 0);
        assertStatus(pa, 202);
        HttpResponse<byte[]> pb = client().patchChunk(requireHeader(b, "Location"),
                Arrays.copyOfRange(blob.bytes(), 0, 300), 0);
        assertStatus(pb, 202);
        assertCreated(client().putLastChunk(requireHeader(pa, "Location"), blob.digest(),
                Arrays.copyOfRange(blob.bytes(), 300, 600), 300), repo, blob);
        assertCreated(client().putLastChunk(requireHeader(pb, "Location"), blob.digest(),
                Arrays.copyOfRange(blob.bytes(), 300, 600), 300), repo, blob);
    }

    @Test
    void parallelPushesOfTheSameBlobAllSucceed() throws Exception {
        Blob blob = Content.randomBlob(64 * 1024);
        String shared = Content.randomRepo("par");
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<HttpResponse<byte[]>>> results = new ArrayList<>();
            List<String> repos = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                String repo = i % 2 == 0 ? shared : Content.randomRepo("par");
                repos.add(repo);
                results.add(pool.submit(() -> {
                    go.await();
                    return client().postMonolithic(repo, blob.bytes(), blob.digest());
                }));
            }
            go.countDown();
            for (Future<HttpResponse<byte[]>> f : results) {
                HttpResponse<byte[]> r = f.get(60, TimeUnit.SECONDS);
                assertStatus(r, 201);
                assertDigestHeader(r, blob.digest());
            }
            for (String repo : repos) {
                assertBlobStored(repo, blob);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void sameBlobPushedToTwoRepositoriesIsServedByBoth() {
        String a = Content.randomRepo("dedup-a");
        String b = Content.randomRepo("dedup-b");
        Blob blob = Content.randomBlob(333);
        client().pushBlob(a, blob);
        client().pushBlob(b, blob);
        assertBlobStored(a, blob);
        assertBlobStored(b, blob);
    }
}
