package dev.berth.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.conformance.Content.Blob;
import dev.berth.conformance.Content.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

import static dev.berth.conformance.ManagementAssertions.assertApiError;
import static dev.berth.conformance.ManagementClient.artifactPath;
import static dev.berth.conformance.OciAssertions.assertBody;
import static dev.berth.conformance.OciAssertions.assertContentLength;
import static dev.berth.conformance.OciAssertions.assertDigestHeader;
import static dev.berth.conformance.OciAssertions.assertError;
import static dev.berth.conformance.OciAssertions.assertStatus;
import static dev.berth.conformance.OciAssertions.header;
import static dev.berth.conformance.OciAssertions.requireHeader;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Content addressed by SHA-512 digests ({@code sha512:<128 hex>}, image-spec "Digests": a registered algorithm), end
 * to end: the spec's "Pushing blobs" (monolithic with {@code ?digest=sha512:}, and a session opened with
 * {@code ?digest-algorithm=sha512}, end-4c, then chunks), "Pulling blobs" ({@code HEAD}/{@code GET} by sha512),
 * "Mounting a blob from another repository", "Pushing Manifests" and "Pulling manifests" by a sha512 digest
 * reference (the registry answers with the digest the client named), "Deleting blobs" and "Deleting Manifests";
 * and Berth's own: the blob under {@code blobs/sha512/} in the data directory, counted in the registry's usage,
 * listed and deleted by the management API, and removed by garbage collection once unlinked.
 *
 * <p>One server for the class, with {@code --gc-grace 0s} (a blob is garbage as soon as its last link goes) and no
 * scheduled collection.
 */
class Sha512DigestsTest {
    @RegisterExtension
    static final RegistryExtension registry = RegistryExtension.perClass("--gc-grace", "0s", "--gc-interval", "0");

    private static RegistryClient client() {
        return registry.client();
    }

    private static Blob randomSha512Blob(int size) {
        return Blob.sha512Of(Content.randomBytes(size));
    }

    private static void assertPullsBySha512(String repo, Blob blob) {
        HttpResponse<byte[]> head = client().headBlob(repo, blob.digest());
        assertStatus(head, 200);
        assertContentLength(head, blob.size());
        assertDigestHeader(head, blob.digest());
        HttpResponse<byte[]> get = client().getBlob(repo, blob.digest());
        assertStatus(get, 200);
        assertBody(get, blob.bytes());
        assertDigestHeader(get, blob.digest());
    }

    private static Path blobFile(String digest) {
        return DataFiles.blobFile(registry.process().dataDir(), digest);
    }

    // ---------------------------------------------------------------------------------------- pushing blobs

    @Test
    void pushingBlobsMonolithicallyWithASha512Digest() {
        String repo = Content.randomRepo("sha512-mono");
        Blob blob = randomSha512Blob(3000);

        HttpResponse<byte[]> post = client().postMonolithic(repo, blob.bytes(), blob.digest());

        assertStatus(post, 201);
        assertDigestHeader(post, blob.digest());
        HttpResponse<byte[]> at = client().get(requireHeader(post, "Location"));
        assertStatus(at, 200);
        assertBody(at, blob.bytes());
        assertPullsBySha512(repo, blob);
        assertThat(blobFile(blob.digest())).as("stored under blobs/sha512/").hasBinaryContent(blob.bytes());
        assertThat(blob.digest()).matches("sha512:[a-f0-9]{128}");
    }

    @Test
    void pushingBlobsInChunksAfterAPostWithDigestAlgorithmSha512() {
        String repo = Content.randomRepo("sha512-chunked");
        // Past the size a session hashes on its writing thread: the chunks go through the hash lane too.
        Blob blob = randomSha512Blob(900 * 1024);
        HttpResponse<byte[]> post = client().send("POST",
                RegistryClient.withQuery(RegistryClient.uploadsPath(repo), "digest-algorithm", "sha512"),
                java.net.http.HttpRequest.BodyPublishers.noBody());
        assertStatus(post, 202);
        String location = requireHeader(post, "Location");
        int chunk = header(post, "OCI-Chunk-Min-Length").map(Integer::parseInt).map(m -> Math.max(m, 400 * 1024))
                .orElse(400 * 1024);

        HttpResponse<byte[]> first = client().patchChunk(location, Arrays.copyOfRange(blob.bytes(), 0, chunk), 0);
        assertStatus(first, 202);
        byte[] rest = Arrays.copyOfRange(blob.bytes(), chunk, blob.size());
        HttpResponse<byte[]> last = client().putLastChunk(requireHeader(first, "Location"), blob.digest(), rest, chunk);

        assertStatus(last, 201);
        assertDigestHeader(last, blob.digest());
        assertPullsBySha512(repo, blob);
    }

    @Test
    void pushingBlobsWithPostThenPutUnderASha512DigestWithoutAnnouncingIt() {
        String repo = Content.randomRepo("sha512-unannounced");
        Blob blob = randomSha512Blob(5000);
        HttpResponse<byte[]> post = client().startUpload(repo);
        assertStatus(post, 202);

        HttpResponse<byte[]> put = client().putUpload(requireHeader(post, "Location"), blob.digest(), blob.bytes());

        assertStatus(put, 201);
        assertDigestHeader(put, blob.digest());
        assertPullsBySha512(repo, blob);
    }

    @Test
    void pushingBlobsWithAnUnsupportedDigestAlgorithmIsRefused() {
        String repo = Content.randomRepo("sha512-unsupported");
        for (String algorithm : new String[] {"sha384", "md5", "SHA512"}) {
            HttpResponse<byte[]> post = client().send("POST",
                    RegistryClient.withQuery(RegistryClient.uploadsPath(repo), "digest-algorithm", algorithm),
                    java.net.http.HttpRequest.BodyPublishers.noBody());
            assertError(post, 400, "UNSUPPORTED");
        }
    }

    @Test
    void pushingBlobsWithAMismatchedSha512DigestIsDigestInvalid() {
        String repo = Content.randomRepo("sha512-mismatch");
        Blob blob = randomSha512Blob(2000);
        String other = Content.sha512(Content.randomBytes(2000));

        assertError(client().postMonolithic(repo, blob.bytes(), other), 400, "DIGEST_INVALID");

        HttpResponse<byte[]> post = client().send("POST",
                RegistryClient.withQuery(RegistryClient.uploadsPath(repo), "digest-algorithm", "sha512"),
                java.net.http.HttpRequest.BodyPublishers.noBody());
        assertStatus(post, 202);
        assertError(client().putUpload(requireHeader(post, "Location"), other, blob.bytes()), 400, "DIGEST_INVALID");
        // 128 characters but not hex, and sha512 with sha256's length: malformed digests.
        assertError(client().postMonolithic(repo, blob.bytes(), "sha512:" + "g".repeat(128)), 400, "DIGEST_INVALID");
        assertError(client().postMonolithic(repo, blob.bytes(), "sha512:" + "a".repeat(64)), 400, "DIGEST_INVALID");

        assertStatus(client().headBlob(repo, other), 404);
        assertError(client().getBlob(repo, other), 404, "BLOB_UNKNOWN", "NAME_UNKNOWN");
        assertThat(blobFile(other)).doesNotExist();
        assertThat(blobFile(blob.digest())).doesNotExist();
    }

    // ---------------------------------------------------------------------------------------- mounting

    @Test
    void mountingABlobFromAnotherRepositoryBySha512() {
        String source = Content.randomRepo("sha512-from");
        String target = Content.randomRepo("sha512-to");
        Blob blob = randomSha512Blob(1500);
        client().pushBlob(source, blob);

        HttpResponse<byte[]> mount = client().mount(target, blob.digest(), source);

        assertStatus(mount, 201);
        assertDigestHeader(mount, blob.digest());
        assertPullsBySha512(target, blob);
    }

    @Test
    void mountingAnUnknownSha512BlobOpensAnUploadSessionThatTakesIt() {
        String target = Content.randomRepo("sha512-to");
        Blob blob = randomSha512Blob(1500);

        HttpResponse<byte[]> mount = client().mount(target, blob.digest(), Content.randomRepo("sha512-nowhere"));

        assertStatus(mount, 202);
        HttpResponse<byte[]> put = client().putUpload(requireHeader(mount, "Location"), blob.digest(), blob.bytes());
        assertStatus(put, 201);
        assertPullsBySha512(target, blob);
    }

    // ---------------------------------------------------------------------------------------- manifests

    /** An image whose config and layer are addressed by sha512, pushed; its manifest is returned, not pushed. */
    private static Manifest sha512Image(String repo) {
        Blob config = Blob.sha512Of(("{\"architecture\":\"amd64\",\"os\":\"linux\",\"n\":\"" + Content.randomAlnum(12) + "\"}")
                .getBytes(StandardCharsets.UTF_8));
        Blob layer = randomSha512Blob(4096);
        client().pushBlob(repo, config);
        client().pushBlob(repo, layer);
        return Content.ociManifest().config(config.descriptor(Content.OCI_CONFIG))
                .layer(layer.descriptor(Content.OCI_LAYER)).build().bySha512();
    }

    @Test
    void pushingAndPullingManifestsByASha512Digest() {
        String repo = Content.randomRepo("sha512-manifest");
        Manifest manifest = sha512Image(repo);

        HttpResponse<byte[]> put = client().putManifest(repo, manifest.digest(), manifest);

        assertStatus(put, 201);
        assertDigestHeader(put, manifest.digest());
        HttpResponse<byte[]> get = client().getManifest(repo, manifest.digest());
        assertStatus(get, 200);
        assertBody(get, manifest.bytes());
        assertDigestHeader(get, manifest.digest());
        HttpResponse<byte[]> head = client().headManifest(repo, manifest.digest());
        assertStatus(head, 200);
        assertDigestHeader(head, manifest.digest());
        assertThat(blobFile(manifest.digest())).hasBinaryContent(manifest.bytes());

        Manifest tagged = sha512Image(repo);
        assertStatus(client().putManifest(repo, "v1", tagged), 201);
        HttpResponse<byte[]> byTag = client().getManifest(repo, "v1");
        assertStatus(byTag, 200);
        assertDigestHeader(byTag, Content.sha256(tagged.bytes()));
    }

    @Test
    void pushingAManifestUnderAMismatchedSha512DigestIsDigestInvalid() {
        String repo = Content.randomRepo("sha512-manifest-mismatch");
        Manifest manifest = sha512Image(repo);
        String other = Content.sha512(Content.randomBytes(100));

        assertError(client().putManifest(repo, other, manifest.mediaType(), manifest.bytes()), 400, "DIGEST_INVALID");
        assertError(client().getManifest(repo, other), 404, "MANIFEST_UNKNOWN");
    }

    // ---------------------------------------------------------------------------------------- deleting

    @Test
    void deletingBlobsAndManifestsBySha512() {
        String repo = Content.randomRepo("sha512-delete");
        Manifest manifest = sha512Image(repo);
        assertStatus(client().putManifest(repo, manifest.digest(), manifest), 201);
        Blob loose = randomSha512Blob(700);
        client().pushBlob(repo, loose);

        // The blob first: with --gc-grace 0s, deleting the manifest unlinks at once what no manifest references.
        assertStatus(client().deleteBlob(repo, loose.digest()), 202);
        assertStatus(client().deleteManifest(repo, manifest.digest()), 202);

        assertError(client().getManifest(repo, manifest.digest()), 404, "MANIFEST_UNKNOWN");
        assertStatus(client().headBlob(repo, loose.digest()), 404);
        assertError(client().deleteBlob(repo, loose.digest()), 404, "BLOB_UNKNOWN");
    }

    // ---------------------------------------------------------------------------------------- Berth's own

    @Test
    void aSha512BlobCountsInItsRegistrysUsage() {
        ManagementClient api = registry.management();
        String tenant = api.newRegistry("sha512-usage");
        Blob blob = randomSha512Blob(12345);
        long before = api.storageUsed(tenant);

        client().pushBlob(tenant + "/app", blob);
        client().pushBlob(tenant + "/other", blob);

        assertThat(api.storageUsed(tenant)).as("a blob counts once per registry").isEqualTo(before + blob.size());
        assertStatus(client().deleteBlob(tenant + "/app", blob.digest()), 202);
        assertStatus(client().deleteBlob(tenant + "/other", blob.digest()), 202);
        assertThat(api.storageUsed(tenant)).isEqualTo(before);
    }

    @Test
    void theManagementApiListsAndDeletesAnArtifactAddressedBySha512() {
        ManagementClient api = registry.management();
        String tenant = api.newRegistry("sha512-api");
        String repo = tenant + "/team/app";
        Manifest manifest = sha512Image(repo);
        assertStatus(client().putManifest(repo, manifest.digest(), manifest), 201);

        JsonNode artifact = api.artifact(tenant, "team/app", manifest.digest());
        assertThat(artifact).as("the artifact list of %s", repo).isNotNull();
        assertThat(artifact.get("size").asLong()).isGreaterThan(manifest.bytes().length + 4096L);

        String path = artifactPath(tenant, "team/app", manifest.digest());
        assertStatus(api.delete(path), 204);
        assertThat(api.artifact(tenant, "team/app", manifest.digest())).isNull();
        assertError(client().getManifest(repo, manifest.digest()), 404, "MANIFEST_UNKNOWN");
        assertApiError(api.delete(path), 404);
    }

    @Test
    void garbageCollectionRemovesAnUnlinkedSha512BlobAndKeepsALinkedOne() {
        String repo = Content.randomRepo("sha512-gc");
        Blob garbage = randomSha512Blob(2222);
        Blob kept = randomSha512Blob(3333);
        client().pushBlob(repo, garbage);
        client().pushBlob(repo, kept);
        assertThat(blobFile(garbage.digest())).exists();
        assertStatus(client().deleteBlob(repo, garbage.digest()), 202);

        JsonNode run = registry.management().collect(false, false);

        assertThat(run.get("blobs_deleted").asLong()).as("run %s", run).isGreaterThanOrEqualTo(1);
        assertThat(blobFile(garbage.digest())).doesNotExist();
        assertThat(DataFiles.blobs(registry.process().dataDir())).doesNotContainKey(garbage.digest())
                .containsEntry(kept.digest(), (long) kept.size());
        assertPullsBySha512(repo, kept);
    }
}
