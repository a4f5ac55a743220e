package dev.berth.conformance;

import dev.berth.conformance.Content.Blob;
import dev.berth.conformance.Content.Manifest;
import dev.berth.conformance.RegistryClient.Image;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static dev.berth.conformance.OciAssertions.assertBody;
import static dev.berth.conformance.OciAssertions.assertDigestHeader;
import static dev.berth.conformance.OciAssertions.assertError;
import static dev.berth.conformance.OciAssertions.assertHeader;
import static dev.berth.conformance.OciAssertions.assertStatus;
import static dev.berth.conformance.OciAssertions.describe;
import static dev.berth.conformance.OciAssertions.requireHeader;
import static dev.berth.conformance.OciAssertions.stringList;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Durability: what the server acknowledged before a kill -9 (or a clean stop) is there after a restart on the same
 * data directory; what it did not finish is not visible. Each test gets its own server and data directory.
 *
 * <p>Nothing here depends on timing: the kill comes after acknowledged requests (or, in the push loop, after a
 * count of acknowledgements), and the assertions hold wherever the kill lands.
 */
class CrashRecoveryTest {

    @RegisterExtension
    final RegistryExtension registry = RegistryExtension.perMethod();

    private static void assertBlob(RegistryClient c, String repo, Blob b) {
        HttpResponse<byte[]> get = c.getBlob(repo, b.digest());
        assertStatus(get, 200);
        assertBody(get, b.bytes());
    }

    private static void assertManifest(RegistryClient c, String repo, String ref, Manifest m) {
        HttpResponse<byte[]> get = c.getManifest(repo, ref);
        assertStatus(get, 200);
        assertBody(get, m.bytes());
        assertDigestHeader(get, m.digest());
    }

    @Test
    void partialUploadIsInvisibleAfterKillButItsSessionSurvivesAndCompletes() {
        RegistryClient c = registry.client();
        String repo = Content.randomRepo("crash-up");
        Blob blob = Content.randomBlob(4096);
        HttpResponse<byte[]> post = c.startUpload(repo);
        assertStatus(post, 202);
        int half = 1500;
        HttpResponse<byte[]> patch = c.patchChunk(requireHeader(post, "Location"),
                Arrays.copyOfRange(blob.bytes(), 0, half), 0);
        assertStatus(patch, 202);
        assertHeader(patch, "Range", "0-" + (half - 1));
        String location = requireHeader(patch, "Location");

        RegistryClient after = registry.killAndRestart();

        assertStatus(after.headBlob(repo, blob.digest()), 404);
        assertStatus(after.headBlob(repo, Content.sha256(Arrays.copyOfRange(blob.bytes(), 0, half))), 404);
        HttpResponse<byte[]> status = after.uploadStatus(location);
        assertStatus(status, 204);
        assertHeader(status, "Range", "0-" + (half - 1));
        String resumed = requireHeader(status, "Location");

        HttpResponse<byte[]> rest = after.patchChunk(resumed, Arrays.copyOfRange(blob.bytes(), half, blob.size()),
                half);
        assertStatus(rest, 202);
        assertHeader(rest, "Range", "0-" + (blob.size() - 1));
        HttpResponse<byte[]> put = after.putUpload(requireHeader(rest, "Location"), blob.digest());
        assertStatus(put, 201);
        assertDigestHeader(put, blob.digest());
        HttpResponse<byte[]> get = after.getBlob(repo, blob.digest());
        assertStatus(get, 200);
        assertBody(get, blob.bytes());
        assertThat(Content.sha256(get.body())).isEqualTo(blob.digest());
    }

    /** A request body that hands out its first {@code gateAt} bytes, then blocks until opened, then fails. */
    private static final class GatedStream extends InputStream {
        private final byte[] data;
        private final int gateAt;
        private final CountDownLatch reached = new CountDownLatch(1);
        private final CountDownLatch open = new CountDownLatch(1);
        private int pos;

        GatedStream(byte[] data, int gateAt) {
            this.data = data;
            this.gateAt = gateAt;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (pos >= gateAt) {
                reached.countDown();
                try {
                    open.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IOException("request body aborted: the server was killed");
            }
            int n = Math.min(len, gateAt - pos);
            System.arraycopy(data, pos, b, off, n);
            pos += n;
            return n;
        }
    }

    @Test
    void killInTheMiddleOfAStreamedPatchLeavesAConsistentResumableSession() throws Exception {
        RegistryClient c = registry.client();
        String repo = Content.randomRepo("crash-mid");
        Blob blob = Content.randomBlob(256 * 1024);
        HttpResponse<byte[]> post = c.startUpload(repo);
        assertStatus(post, 202);
        String location = requireHeader(post, "Location");

        GatedStream body = new GatedStream(blob.bytes(), 128 * 1024);
        HttpRequest patch = HttpRequest.newBuilder(c.resolve(location))
                .header("Authorization", registry.process().authorizationHeader())
                .header("Content-Type", "application/octet-stream")
                .method("PATCH", HttpRequest.BodyPublishers.ofInputStream(() -> body))
                .build();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        CompletableFuture<HttpResponse<Void>> inFlight = http.sendAsync(patch, HttpResponse.BodyHandlers.discarding());
        assertThat(body.reached.await(30, TimeUnit.SECONDS)).as("half of the body handed to the client").isTrue();
        // Let the server see some of it if it reports progress; the assertions below hold either way.
        for (int i = 0; i < 20 && "0-0".equals(c.uploadStatus(location).headers().firstValue("Range").orElse("0-0"));
             i++) {
            Thread.sleep(50);
        }

        registry.process().kill();
        body.open.countDown();
        try {
            inFlight.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException expected) {
            // the connection died with the server
        }
        registry.process().launch();
        RegistryClient after = registry.process().client();

        assertStatus(after.headBlob(repo, blob.digest()), 404);
        HttpResponse<byte[]> status = after.uploadStatus(location);
        assertStatus(status, 204);
        String range = requireHeader(status, "Range");
        assertThat(range).as(describe(status)).matches("0-\\d+");
        long last = Long.parseLong(range.substring(2));
        assertThat(last).as("the session cannot hold more than was sent:\n%s", describe(status))
                .isLessThan(128 * 1024);
        // "0-0" is either nothing or one byte: exactly one of the two offsets is accepted
        List<Long> offsets = last == 0 ? List.of(1L, 0L) : List.of(last + 1);
        HttpResponse<byte[]> resumed = null;
        for (long offset : offsets) {
            resumed = after.patchChunk(requireHeader(status, "Location"),
                    Arrays.copyOfRange(blob.bytes(), (int) offset, blob.size()), offset);
            if (resumed.statusCode() != 416) {
                break;
            }
        }
        assertStatus(resumed, 202);
        assertHeader(resumed, "Range", "0-" + (blob.size() - 1));
        HttpResponse<byte[]> put = after.putUpload(requireHeader(resumed, "Location"), blob.digest());
        assertStatus(put, 201);
        assertBlob(after, repo, blob);
    }

    @Test
    void resumedUploadAfterKillStillVerifiesTheDigest() {
        RegistryClient c = registry.client();
        String repo = Content.randomRepo("crash-up");
        Blob blob = Content.randomBlob(2000);
        HttpResponse<byte[]> post = c.startUpload(repo);
        HttpResponse<byte[]> patch = c.patchChunk(requireHeader(post, "Location"),
                Arrays.copyOfRange(blob.bytes(), 0, 1000), 0);
        assertStatus(patch, 202);
        String location = requireHeader(patch, "Location");

        RegistryClient after = registry.killAndRestart();

        // the rest, but corrupted: the digest check must catch it
        byte[] wrongRest = Arrays.copyOfRange(blob.bytes(), 1000, 2000);
        wrongRest[0] ^= 1;
        HttpResponse<byte[]> put = after.putLastChunk(location, blob.digest(), wrongRest, 1000);
        assertError(put, 400, "DIGEST_INVALID");
        assertStatus(after.headBlob(repo, blob.digest()), 404);
    }

    @Test
    void acknowledgedManifestAndBlobsSurviveKill() {
        RegistryClient c = registry.client();
        String repo = Content.randomRepo("crash-man");
        Image img = c.pushImage(repo, "v1", 2);
        Blob loose = Content.randomBlob(700);
        assertStatus(c.postMonolithic(repo, loose.bytes(), loose.digest()), 201);

        RegistryClient after = registry.killAndRestart();

        assertManifest(after, repo, "v1", img.manifest());
        assertManifest(after, repo, img.manifest().digest(), img.manifest());
        for (Blob b : img.blobs()) {
            assertBlob(after, repo, b);
        }
        assertBlob(after, repo, loose);
        HttpResponse<byte[]> tags = after.tagsList(repo);
        assertStatus(tags, 200);
        assertThat(stringList(tags, "tags")).containsExactly("v1");
        HttpResponse<byte[]> catalog = after.catalog();
        assertStatus(catalog, 200);
        assertThat(stringList(catalog, "repositories")).contains(repo);
    }

    @Test
    void acknowledgedDeletesSurviveKill() {
        RegistryClient c = registry.client();
        String repo = Content.randomRepo("crash-del");
        Image keep = c.pushImage(repo, "keep", 1);
        Image gone = c.pushImage(repo, "gone", 1);
        assertStatus(c.putManifest(repo, "untag", keep.manifest()), 201);
        assertStatus(c.deleteManifest(repo, gone.manifest().digest()), 202);
        assertStatus(c.deleteManifest(repo, "untag"), 202);
        assertStatus(c.deleteBlob(repo, gone.layers().get(0).digest()), 202);

        RegistryClient after = registry.killAndRestart();

        assertStatus(after.getManifest(repo, gone.manifest().digest()), 404);
        assertStatus(after.getManifest(repo, "gone"), 404);
        assertStatus(after.getManifest(repo, "untag"), 404);
        assertStatus(after.getBlob(repo, gone.layers().get(0).digest()), 404);
        assertManifest(after, repo, "keep", keep.manifest());
        HttpResponse<byte[]> tags = after.tagsList(repo);
        assertStatus(tags, 200);
        assertThat(stringList(tags, "tags")).containsExactly("keep");
    }

    @Test
    void referrersSurviveKill() {
        RegistryClient c = registry.client();
        String repo = Content.randomRepo("crash-ref");
        Image subject = c.pushImage(repo, "subject", 1);
        Blob emptyJson = Blob.of(Content.EMPTY_JSON);
        c.pushBlob(repo, emptyJson);
        Manifest ref = Content.ociManifest().artifactType("application/vnd.example.sbom.v1")
                .config(emptyJson.descriptor(Content.OCI_EMPTY)).layer(emptyJson.descriptor(Content.OCI_EMPTY))
                .subject(subject.manifest().descriptor()).build();
        assertStatus(c.putManifest(repo, ref.digest(), ref), 201);

        RegistryClient after = registry.killAndRestart();

        HttpResponse<byte[]> r = after.referrers(repo, subject.manifest().digest(), null);
        assertStatus(r, 200);
        var digests = new java.util.ArrayList<String>();
        OciAssertions.json(r).path("manifests").forEach(d -> digests.add(d.path("digest").asText()));
        assertThat(digests).as(describe(r)).containsExactly(ref.digest());
    }

    @Test
    void cleanRestartKeepsContentAndUploadSessions() {
        RegistryClient c = registry.client();
        String repo = Content.randomRepo("crash-clean");
        Image img = c.pushImage(repo, "v1", 1);
        Blob blob = Content.randomBlob(1000);
        HttpResponse<byte[]> post = c.startUpload(repo);
        HttpResponse<byte[]> patch = c.patchChunk(requireHeader(post, "Location"),
                Arrays.copyOfRange(blob.bytes(), 0, 400), 0);
        assertStatus(patch, 202);
        String location = requireHeader(patch, "Location");

        RegistryClient after = registry.restart();

        assertManifest(after, repo, "v1", img.manifest());
        HttpResponse<byte[]> status = after.uploadStatus(location);
        assertStatus(status, 204);
        assertHeader(status, "Range", "0-399");
        HttpResponse<byte[]> put = after.putLastChunk(requireHeader(status, "Location"), blob.digest(),
                Arrays.copyOfRange(blob.bytes(), 400, 1000), 400);
        assertStatus(put, 201);
        assertBlob(after, repo, blob);
    }

    @Test
    void everyAcknowledgedPushSurvivesKillDuringPushLoop() throws InterruptedException {
        RegistryClient c = registry.client();
        String repo = Content.randomRepo("crash-loop");
        Blob config = Content.randomConfig();
        c.pushBlob(repo, config);

        Map<String, Manifest> attempted = new ConcurrentHashMap<>();
        Map<String, Manifest> acknowledged = new ConcurrentHashMap<>();
        Map<String, Blob> layers = new ConcurrentHashMap<>();
        int wanted = 20;
        CountDownLatch enough = new CountDownLatch(wanted);
        AtomicReference<String> unexpected = new AtomicReference<>();

        Thread pusher = new Thread(() -> {
            try {
                for (int i = 0; i < 2000; i++) {
                    String tag = String.format("t%04d", i);
                    Blob layer = Content.randomBlob(100 + i % 50);
                    HttpResponse<byte[]> blobPut = c.postMonolithic(repo, layer.bytes(), layer.digest());
                    if (blobPut.statusCode() != 201) {
                        unexpected.set(describe(blobPut));
                        return;
                    }
                    layers.put(tag, layer);
                    Manifest m = Content.ociManifest().config(config.descriptor(Content.OCI_CONFIG))
                            .layer(layer.descriptor(Content.OCI_LAYER)).annotation("org.example.seq", tag).build();
                    attempted.put(tag, m);
                    HttpResponse<byte[]> r = c.putManifest(repo, tag, m);
                    if (r.statusCode() != 201) {
                        unexpected.set(describe(r));
                        return;
                    }
                    acknowledged.put(tag, m);
                    enough.countDown();
                }
            } catch (UncheckedIOException | IllegalStateException e) {
                // the server was killed under us: expected, stop pushing
            } finally {
                while (enough.getCount() > 0) {
                    enough.countDown();
                }
            }
        }, "push-loop");
        pusher.start();
        assertThat(enough.await(60, TimeUnit.SECONDS)).as("pushes acknowledged in time").isTrue();
        if (unexpected.get() != null) {
            pusher.join(10_000);
            fail("a push failed before the kill:\n" + unexpected.get());
        }
        assertThat(acknowledged).as("acknowledged pushes before the kill").hasSizeGreaterThanOrEqualTo(wanted);

        registry.process().kill();
        pusher.join(60_000);
        assertThat(pusher.isAlive()).as("push loop ended after the kill").isFalse();
        assertThat(unexpected.get()).as("unexpected answer during the loop").isNull();
        registry.process().launch();
        RegistryClient after = registry.process().client();

        for (Map.Entry<String, Manifest> e : acknowledged.entrySet()) {
            assertManifest(after, repo, e.getKey(), e.getValue());
            assertManifest(after, repo, e.getValue().digest(), e.getValue());
            assertBlob(after, repo, layers.get(e.getKey()));
        }
        // whatever was in flight is either complete or absent, never half there
        for (Map.Entry<String, Manifest> e : attempted.entrySet()) {
            if (acknowledged.containsKey(e.getKey())) {
                continue;
            }
            HttpResponse<byte[]> get = after.getManifest(repo, e.getKey());
            assertStatus(get, 200, 404);
            if (get.statusCode() == 200) {
                assertBody(get, e.getValue().bytes());
            }
        }
        HttpResponse<byte[]> tags = after.tagsList(repo);
        assertStatus(tags, 200);
        List<String> listed = stringList(tags, "tags");
        assertThat(listed).containsAll(acknowledged.keySet());
        for (String tag : listed) {
            assertThat(attempted).as("listed tag %s was pushed", tag).containsKey(tag);
            assertManifest(after, repo, tag, attempted.get(tag));
        }
    }
}
