package dev.berth.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.conformance.Content.Blob;
import dev.berth.conformance.Content.Manifest;
import dev.berth.conformance.RegistryClient.Image;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.berth.conformance.ManagementClient.obj;
import static dev.berth.conformance.ManagementClient.registryPath;
import static dev.berth.conformance.ManagementClient.repositoryPath;
import static dev.berth.conformance.ManagementClient.uniqueName;
import static dev.berth.conformance.OciAssertions.assertError;
import static dev.berth.conformance.OciAssertions.assertStatus;
import static dev.berth.conformance.OciAssertions.describe;
import static dev.berth.conformance.OciAssertions.json;
import static dev.berth.conformance.OciAssertions.requireHeader;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * management-api.md "What the OCI API enforces", quota: {@code storage_used_bytes} as the distinct blobs
 * (layers, configs, manifests) linked into a registry, uploads refused past the limit with nothing kept, exact
 * fill accepted, no overshoot under concurrency, no reservation held by refused or cancelled uploads, bytes given
 * back by deleting repositories and registries, and a lowered limit.
 */
class QuotaRulesTest {

    @RegisterExtension
    static final RegistryExtension registry = RegistryExtension.perClass();

    private static final long LIMIT = 10_000;

    private static ManagementClient api() {
        return registry.management();
    }

    private static RegistryClient oci() {
        return registry.client();
    }

    /** A fresh private registry with {@code limit} bytes (null: no limit). */
    private static String limited(Long limit) {
        return api().createRegistry(uniqueName("quota"), false, limit).get("name").asText();
    }

    private static long used(String reg) {
        return api().storageUsed(reg);
    }

    private static void assertQuotaDenied(HttpResponse<byte[]> r, long limit, long usage) {
        assertError(r, 403, "DENIED");
        JsonNode err = json(r).get("errors").get(0);
        String message = err.path("message").asText();
        assertThat(message).as("message says quota, the limit and the usage:\n%s", describe(r))
                .containsIgnoringCase("quota").contains(Long.toString(limit)).contains(Long.toString(usage));
    }

    // ------------------------------------------------------------------------------------------ monolithic

    @Test
    void monolithicUploadPastTheLimitIsDeniedAndNothingKept() {
        String reg = limited(LIMIT);
        String repo = reg + "/app";
        oci().pushBlob(repo, Content.randomBlob(4000));
        assertThat(used(reg)).isEqualTo(4000);
        Blob tooBig = Content.randomBlob(6001);
        assertQuotaDenied(oci().postMonolithic(repo, tooBig.bytes(), tooBig.digest()), LIMIT, 4000);
        assertStatus(oci().headBlob(repo, tooBig.digest()), 404);
        assertThat(used(reg)).as("usage unchanged").isEqualTo(4000);
        Blob fits = Content.randomBlob(6000);
        assertStatus(oci().postMonolithic(repo, fits.bytes(), fits.digest()), 201);
    }

    @Test
    void monolithicUploadWhoseContentLengthExceedsWhatIsLeftIsRefusedBeforeItsBodyIsRead() {
        String reg = limited(LIMIT);
        String path = RegistryClient.withQuery(RegistryClient.uploadsPath(reg + "/app"), "digest",
                Content.unknownDigest());
        // Announce 1 GB and send none of it: the answer must come without the body.
        try (RawHttp connection = new RawHttp(registry.process())) {
            RawHttp.Answer answer = connection.send("POST", path, "Content-Type: application/octet-stream",
                    "Content-Length: 1000000000");
            assertThat(answer.status()).as("answer to a 1 GB POST ?digest= into a 10000-byte registry, before any body: %s",
                    answer).isEqualTo(403);
        }
        assertThat(used(reg)).isZero();
    }

    // ------------------------------------------------------------------------------------------ chunked

    @Test
    void chunkedUploadPassingTheLimitIsDeniedAndHoldsNoReservation() {
        String reg = limited(LIMIT);
        String repo = reg + "/app";
        Blob blob = Content.randomBlob(12_000);
        HttpResponse<byte[]> post = oci().startUpload(repo);
        assertStatus(post, 202);
        String location = requireHeader(post, "Location");
        HttpResponse<byte[]> first = oci().patchChunk(location, java.util.Arrays.copyOfRange(blob.bytes(), 0, 6000), 0);
        assertStatus(first, 202);
        location = requireHeader(first, "Location");
        HttpResponse<byte[]> second = oci().patchChunk(location,
                java.util.Arrays.copyOfRange(blob.bytes(), 6000, 12_000), 6000);
        HttpResponse<byte[]> refused;
        if (second.statusCode() == 202) {
            refused = oci().putUpload(requireHeader(second, "Location"), blob.digest());
        } else {
            refused = second;
        }
        assertError(refused, 403, "DENIED");
        assertThat(json(refused).get("errors").get(0).path("message").asText()).containsIgnoringCase("quota");
        assertStatus(oci().headBlob(repo, blob.digest()), 404);
        assertThat(used(reg)).as("nothing kept").isZero();

        Blob exact = Content.randomBlob((int) LIMIT);
        assertStatus(oci().postMonolithic(repo, exact.bytes(), exact.digest()), 201);
        assertThat(used(reg)).isEqualTo(LIMIT);
    }

    @Test
    void streamedPatchWithoutLengthPassingTheLimitIsDeniedAndNothingKept() {
        String reg = limited(LIMIT);
        String repo = reg + "/app";
        Blob blob = Content.randomBlob(12_000);
        HttpResponse<byte[]> post = oci().startUpload(repo);
        assertStatus(post, 202);
        HttpResponse<byte[]> patch;
        try {
            patch = oci().patchStreamed(requireHeader(post, "Location"), blob.bytes());
        } catch (java.io.UncheckedIOException e) {
            patch = null; // the server may close the connection on the excess; the checks below still hold
        }
        if (patch != null) {
            HttpResponse<byte[]> refused = patch.statusCode() == 202
                    ? oci().putUpload(requireHeader(patch, "Location"), blob.digest())
                    : patch;
            assertError(refused, 403, "DENIED");
        }
        assertStatus(oci().headBlob(repo, blob.digest()), 404);
        assertThat(used(reg)).as("nothing kept").isZero();
        Blob exact = Content.randomBlob((int) LIMIT);
        assertStatus(oci().postMonolithic(repo, exact.bytes(), exact.digest()), 201);
    }

    @Test
    void mountOfABlobAlreadyCountedInTheRegistryIsAcceptedAtTheLimit() {
        String reg = limited(LIMIT);
        Blob full = Content.randomBlob((int) LIMIT);
        oci().pushBlob(reg + "/one", full);
        assertThat(used(reg)).isEqualTo(LIMIT);
        assertStatus(oci().mount(reg + "/two", full.digest(), reg + "/one"), 201);
        assertStatus(oci().headBlob(reg + "/two", full.digest()), 200);
        assertThat(used(reg)).as("the blob counts once").isEqualTo(LIMIT);
    }

    @Test
    void cancelledUploadHoldsNoReservation() {
        String reg = limited(LIMIT);
        String repo = reg + "/app";
        HttpResponse<byte[]> post = oci().startUpload(repo);
        assertStatus(post, 202);
        HttpResponse<byte[]> patch = oci().patchChunk(requireHeader(post, "Location"), Content.randomBytes(8000), 0);
        assertStatus(patch, 202);
        assertStatus(oci().cancelUpload(requireHeader(patch, "Location")), 204);
        Blob exact = Content.randomBlob((int) LIMIT);
        assertStatus(oci().postMonolithic(repo, exact.bytes(), exact.digest()), 201);
        assertThat(used(reg)).isEqualTo(LIMIT);
    }

    // ------------------------------------------------------------------------------------------ exact fill

    @Test
    void uploadBringingUsageExactlyToTheLimitIsAccepted() {
        String reg = limited(LIMIT);
        String repo = reg + "/app";
        Blob a = Content.randomBlob(4000);
        Blob b = Content.randomBlob(6000);
        assertStatus(oci().postMonolithic(repo, a.bytes(), a.digest()), 201);
        assertStatus(oci().postMonolithic(repo, b.bytes(), b.digest()), 201);
        assertThat(used(reg)).isEqualTo(LIMIT);
        Blob one = Content.randomBlob(1);
        assertQuotaDenied(oci().postMonolithic(repo, one.bytes(), one.digest()), LIMIT, LIMIT);
        assertThat(used(reg)).isEqualTo(LIMIT);
    }

    @Test
    void manifestPastTheLimitIsDenied() {
        String reg = limited(null);
        Image image = RegistryClient.newImage(reg + "/app", 1);
        long blobs = image.blobs().stream().mapToLong(Blob::size).sum();
        for (Blob b : image.blobs()) {
            oci().pushBlob(image.repo(), b);
        }
        assertThat(used(reg)).isEqualTo(blobs);
        long limit = blobs + image.manifest().bytes().length - 1;
        assertStatus(api().patch(registryPath(reg), obj("storage_limit_bytes", limit)), 200);
        assertError(oci().putManifest(image.repo(), "v1", image.manifest()), 403, "DENIED");
        assertThat(used(reg)).as("usage stays within the limit").isEqualTo(blobs);
        assertStatus(oci().getManifest(image.repo(), "v1"), 404);
        assertStatus(api().patch(registryPath(reg), obj("storage_limit_bytes", limit + 1)), 200);
        assertStatus(oci().putManifest(image.repo(), "v1", image.manifest()), 201);
        assertThat(used(reg)).as("exactly the limit").isEqualTo(limit + 1);
    }

    // ------------------------------------------------------------------------------------------ concurrency

    @Test
    void concurrentUploadsCannotOvershootTheLimit() throws Exception {
        String reg = limited(LIMIT);
        int threads = 8;
        List<Blob> blobs = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            blobs.add(Content.randomBlob(3000));
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<HttpResponse<byte[]>>> results = new ArrayList<>();
        try {
            for (int i = 0; i < threads; i++) {
                Blob b = blobs.get(i);
                String repo = reg + "/race" + i;
                RegistryClient c = registry.process().client();
                results.add(pool.submit(() -> {
                    go.await();
                    return c.postMonolithic(repo, b.bytes(), b.digest());
                }));
            }
            go.countDown();
            int ok = 0;
            for (Future<HttpResponse<byte[]>> f : results) {
                HttpResponse<byte[]> r = f.get(60, TimeUnit.SECONDS);
                if (r.statusCode() == 201) {
                    ok++;
                } else {
                    assertError(r, 403, "DENIED");
                }
            }
            assertThat(ok).as("at most 3 uploads of 3000 bytes fit into 10000").isBetween(1, 3);
            long usage = used(reg);
            assertThat(usage).as("usage never exceeds the limit and is what succeeded")
                    .isEqualTo(3000L * ok).isLessThanOrEqualTo(LIMIT);
            // refused uploads hold no reservation: exactly what is left still fits
            Blob rest = Content.randomBlob((int) (LIMIT - usage));
            assertStatus(oci().postMonolithic(reg + "/rest", rest.bytes(), rest.digest()), 201);
            assertThat(used(reg)).isEqualTo(LIMIT);
        } finally {
            pool.shutdownNow();
        }
    }

    // ------------------------------------------------------------------------------------------ counting

    @Test
    void usageCountsLayersConfigsAndManifests() {
        String reg = limited(null);
        Image image = oci().pushImage(reg + "/app", "v1", 2);
        long expected = image.manifest().bytes().length + image.blobs().stream().mapToLong(Blob::size).sum();
        assertThat(used(reg)).isEqualTo(expected);
        assertStatus(oci().putManifest(image.repo(), "v2", image.manifest()), 201);
        assertThat(used(reg)).as("a second tag adds nothing").isEqualTo(expected);
    }

    @Test
    void sameBlobInTwoRepositoriesOfOneRegistryCountsOnce() {
        String reg = limited(LIMIT);
        Blob blob = Content.randomBlob(3000);
        oci().pushBlob(reg + "/one", blob);
        oci().pushBlob(reg + "/two", blob);
        assertThat(used(reg)).isEqualTo(3000);
        HttpResponse<byte[]> m = oci().mount(reg + "/three", blob.digest(), reg + "/one");
        assertStatus(m, 201);
        assertThat(used(reg)).isEqualTo(3000);

        String other = limited(LIMIT);
        oci().pushBlob(other + "/one", blob);
        assertThat(used(other)).as("another registry counts its own copy").isEqualTo(3000);
        assertThat(used(reg)).isEqualTo(3000);
    }

    @Test
    void mountPastTheLimitIsRefusedAndChangesNothing() {
        String source = limited(null);
        Blob big = Content.randomBlob(5000);
        oci().pushBlob(source + "/src", big);
        String reg = limited(LIMIT);
        oci().pushBlob(reg + "/app", Content.randomBlob(6000));
        HttpResponse<byte[]> r = oci().mount(reg + "/app", big.digest(), source + "/src");
        if (r.statusCode() == 202) {
            oci().cancelUpload(requireHeader(r, "Location"));
        } else {
            assertError(r, 403, "DENIED");
        }
        assertStatus(oci().headBlob(reg + "/app", big.digest()), 404);
        assertThat(used(reg)).isEqualTo(6000);
    }

    // ------------------------------------------------------------------------------------------ giving back

    @Test
    void deletingARepositoryGivesBackItsBytesButNotSharedOnes() {
        String reg = limited(null);
        Blob shared = Content.randomBlob(1000);
        Image a = image(reg + "/a", shared, 2000);
        Image b = image(reg + "/b", shared, 3000);
        oci().pushImage(a, "v1");
        oci().pushImage(b, "v1");
        long aOnly = a.manifest().bytes().length + a.config().size() + 2000;
        long bAll = b.manifest().bytes().length + b.config().size() + 3000 + 1000;
        assertThat(used(reg)).isEqualTo(aOnly + bAll);
        assertStatus(api().delete(repositoryPath(reg, "a")), 204);
        assertThat(used(reg)).as("a's own bytes come back, the blob shared with b stays").isEqualTo(bAll);
        assertStatus(oci().getBlob(b.repo(), shared.digest()), 200);
    }

    @Test
    void deletingARegistryReleasesItsStorage() {
        String reg = limited(LIMIT);
        oci().pushBlob(reg + "/app", Content.randomBlob(8000));
        assertThat(used(reg)).isEqualTo(8000);
        assertStatus(api().delete(registryPath(reg)), 204);
        api().createRegistry(reg, false, LIMIT);
        assertThat(used(reg)).isZero();
        Blob exact = Content.randomBlob((int) LIMIT);
        assertStatus(oci().postMonolithic(reg + "/app", exact.bytes(), exact.digest()), 201);
    }

    @Test
    void deletingAnArtifactSparesBlobsWithinTheGracePeriod() {
        String reg = limited(null);
        Image image = oci().pushImage(reg + "/app", "v1", 2);
        long blobs = image.blobs().stream().mapToLong(Blob::size).sum();
        long before = used(reg);
        assertStatus(api().delete(ManagementClient.artifactPath(reg, "app", image.manifest().digest())), 204);
        for (Blob b : image.blobs()) {
            assertStatus(oci().headBlob(image.repo(), b.digest()), 200);
        }
        assertThat(used(reg)).as("blobs uploaded within the grace period stay counted")
                .isBetween(blobs, before);
        // a push in progress is never broken: the same manifest goes in again without re-uploading
        assertStatus(oci().putManifest(image.repo(), "v1", image.manifest()), 201);
    }

    @Test
    void limitLoweredBelowUsageRefusesNewUploadsAndDeletesNothing() {
        String reg = limited(null);
        Image image = oci().pushImage(reg + "/app", "v1", 1);
        Blob extra = Content.randomBlob(6000);
        oci().pushBlob(image.repo(), extra);
        long usage = used(reg);
        HttpResponse<byte[]> patch = api().patch(registryPath(reg), obj("storage_limit_bytes", 5000));
        assertStatus(patch, 200);
        assertThat(json(patch).get("storage_used_bytes").asLong()).isEqualTo(usage);
        assertThat(used(reg)).as("nothing deleted").isEqualTo(usage);
        assertStatus(oci().getManifest(image.repo(), "v1"), 200);
        assertStatus(oci().headBlob(image.repo(), extra.digest()), 200);
        Blob one = Content.randomBlob(1);
        assertQuotaDenied(oci().postMonolithic(image.repo(), one.bytes(), one.digest()), 5000, usage);
        assertStatus(oci().startUpload(image.repo()), 202, 403);
        assertStatus(api().patch(registryPath(reg), obj("storage_limit_bytes", null)), 200);
        assertStatus(oci().postMonolithic(image.repo(), one.bytes(), one.digest()), 201);
    }

    /** An image of a fresh config, {@code shared} and one fresh layer of {@code ownLayerSize} bytes. */
    private static Image image(String repo, Blob shared, int ownLayerSize) {
        Blob config = Content.randomConfig();
        Blob own = Content.randomBlob(ownLayerSize);
        Manifest m = Content.ociManifest().config(config.descriptor(Content.OCI_CONFIG))
                .layer(shared.descriptor(Content.OCI_LAYER)).layer(own.descriptor(Content.OCI_LAYER)).build();
        return new Image(repo, config, List.of(shared, own), m);
    }
}
