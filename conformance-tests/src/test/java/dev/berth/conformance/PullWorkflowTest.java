package dev.berth.conformance;

import dev.berth.conformance.Content.Blob;
import dev.berth.conformance.Content.Manifest;
import dev.berth.conformance.RegistryClient.Image;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.http.HttpResponse;
import java.util.Arrays;

import static dev.berth.conformance.OciAssertions.assertApiVersionHeader;
import static dev.berth.conformance.OciAssertions.assertBody;
import static dev.berth.conformance.OciAssertions.assertContentLength;
import static dev.berth.conformance.OciAssertions.assertContentType;
import static dev.berth.conformance.OciAssertions.assertDigestHeader;
import static dev.berth.conformance.OciAssertions.assertEmptyBody;
import static dev.berth.conformance.OciAssertions.assertError;
import static dev.berth.conformance.OciAssertions.assertStatus;
import static dev.berth.conformance.OciAssertions.describe;
import static dev.berth.conformance.OciAssertions.errorCodes;
import static dev.berth.conformance.OciAssertions.requireHeader;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pull workflow (distribution-spec v1.1 "Pull"; conformance 01_pull_test.go and the blob range checks of the
 * newer conformance runner): blobs and manifests by GET and HEAD, ranges, and 404s.
 */
class PullWorkflowTest {

    @RegisterExtension
    static final RegistryExtension registry = RegistryExtension.perClass();

    private static String repo;
    private static Image image;
    /** Pushed by digest only, never tagged. */
    private static Manifest untagged;
    /** 2048 random bytes for range requests. */
    private static Blob rangeBlob;
    private static final String TAG = "tagtest0";

    @BeforeAll
    static void populate() {
        RegistryClient c = registry.client();
        repo = Content.randomRepo("pull");
        image = c.pushImage(repo, TAG, 2);
        // a second manifest (same config, one other layer) pushed by digest
        Blob layer = Content.randomBlob(300);
        c.pushBlob(repo, layer);
        untagged = Content.ociManifest()
                .config(image.config().descriptor(Content.OCI_CONFIG))
                .layer(layer.descriptor(Content.OCI_LAYER))
                .build();
        assertStatus(c.putManifest(repo, untagged.digest(), untagged), 201);
        rangeBlob = Content.randomBlob(2048);
        c.pushBlob(repo, rangeBlob);
    }

    private static RegistryClient client() {
        return registry.client();
    }

    // ------------------------------------------------------------------------------------------ /v2/

    @Test
    void baseEndpointAnswers200WithApiVersionHeader() {
        HttpResponse<byte[]> r = client().ping();
        assertStatus(r, 200);
        assertApiVersionHeader(r);
    }

    // ------------------------------------------------------------------------------------------ blobs

    @Test
    void headExistingBlobGives200WithLengthAndDigestAndNoBody() {
        for (Blob b : image.blobs()) {
            HttpResponse<byte[]> r = client().headBlob(repo, b.digest());
            assertStatus(r, 200);
            assertContentLength(r, b.size());
            assertDigestHeader(r, b.digest());
            assertEmptyBody(r);
        }
    }

    @Test
    void getExistingBlobGives200WithExactBytes() {
        for (Blob b : image.blobs()) {
            HttpResponse<byte[]> r = client().getBlob(repo, b.digest());
            assertStatus(r, 200);
            assertBody(r, b.bytes());
            assertContentLength(r, b.size());
            assertDigestHeader(r, b.digest());
            assertThat(Content.sha256(r.body())).isEqualTo(b.digest());
        }
    }

    @Test
    void headMissingBlobGives404() {
        HttpResponse<byte[]> r = client().headBlob(repo, Content.unknownDigest());
        assertStatus(r, 404);
        assertEmptyBody(r);
    }

    @Test
    void getMissingBlobGives404BlobUnknown() {
        assertError(client().getBlob(repo, Content.unknownDigest()), 404, "BLOB_UNKNOWN");
    }

    @Test
    void getBlobWithMalformedDigestGives400DigestInvalid() {
        assertError(client().getBlob(repo, "sha256:totallywrong"), 400, "DIGEST_INVALID");
        // right algorithm, wrong length
        assertError(client().getBlob(repo, "sha256:" + "a".repeat(63)), 400, "DIGEST_INVALID");
    }

    @Test
    void blobOfAnotherRepositoryIsNotServedHere() {
        // the spec is per repository: "If the blob is not found in the repository, the response code MUST be 404"
        String other = Content.randomRepo("pull-other");
        Blob only = Content.randomBlob(100);
        client().pushBlob(other, only);
        assertStatus(client().headBlob(repo, only.digest()), 404);
        assertError(client().getBlob(repo, only.digest()), 404, "BLOB_UNKNOWN");
    }

    @Test
    void getBlobInUnknownRepositoryGives404() {
        HttpResponse<byte[]> r = client().getBlob(Content.randomRepo("nope"), image.config().digest());
        assertError(r, 404, "BLOB_UNKNOWN", "NAME_UNKNOWN");
    }

    @Test
    void rangeFirstTenBytesGives206() {
        HttpResponse<byte[]> r = client().getBlob(repo, rangeBlob.digest(), "Range", "bytes=0-9");
        assertStatus(r, 206);
        assertBody(r, Arrays.copyOfRange(rangeBlob.bytes(), 0, 10));
        assertContentLength(r, 10);
        assertThat(requireHeader(r, "Content-Range")).as(describe(r)).isIn("bytes 0-9/2048", "bytes 0-9/*");
    }

    /** The range table of the conformance runner (run.go "range requests"), on a 2048-byte blob. */
    @ParameterizedTest(name = "Range: {0}")
    @CsvSource({
            "bytes=500-1499, 500, 1499",
            "bytes=500-,     500, 2047",
            "bytes=-500,     1548, 2047",
            "bytes=2000-5000, 2000, 2047",
    })
    void satisfiableRangesGive206(String range, int first, int last) {
        HttpResponse<byte[]> r = client().getBlob(repo, rangeBlob.digest(), "Range", range);
        assertStatus(r, 206);
        assertBody(r, Arrays.copyOfRange(rangeBlob.bytes(), first, last + 1));
        assertContentLength(r, last - first + 1);
        assertThat(requireHeader(r, "Content-Range")).as(describe(r))
                .isIn("bytes " + first + "-" + last + "/2048", "bytes " + first + "-" + last + "/*");
    }

    @ParameterizedTest(name = "Range: {0}")
    @CsvSource({"bytes=500-0", "bytes=5000-10000"})
    void unsatisfiableRangesGive416(String range) {
        assertStatus(client().getBlob(repo, rangeBlob.digest(), "Range", range), 416);
    }

    // ------------------------------------------------------------------------------------------ manifests

    @Test
    void headManifestByTagAndByDigest() {
        for (String ref : new String[]{TAG, image.manifest().digest()}) {
            HttpResponse<byte[]> r = client().headManifest(repo, ref);
            assertStatus(r, 200);
            assertContentType(r, Content.OCI_MANIFEST);
            assertDigestHeader(r, image.manifest().digest());
            assertContentLength(r, image.manifest().bytes().length);
            assertEmptyBody(r);
        }
    }

    @Test
    void getManifestByTagAndByDigestGivesExactBytes() {
        for (String ref : new String[]{TAG, image.manifest().digest()}) {
            HttpResponse<byte[]> r = client().getManifest(repo, ref);
            assertStatus(r, 200);
            assertBody(r, image.manifest().bytes());
            assertContentType(r, Content.OCI_MANIFEST);
            assertDigestHeader(r, image.manifest().digest());
            assertContentLength(r, image.manifest().bytes().length);
        }
    }

    @Test
    void manifestPushedByDigestIsPullable() {
        HttpResponse<byte[]> head = client().headManifest(repo, untagged.digest());
        assertStatus(head, 200);
        assertDigestHeader(head, untagged.digest());
        HttpResponse<byte[]> get = client().getManifest(repo, untagged.digest());
        assertStatus(get, 200);
        assertBody(get, untagged.bytes());
        assertContentType(get, Content.OCI_MANIFEST);
    }

    @Test
    void getManifestWithOnlyOciManifestAcceptWorks() {
        HttpResponse<byte[]> r = client().get(RegistryClient.manifestPath(repo, TAG), "Accept", Content.OCI_MANIFEST);
        assertStatus(r, 200);
        assertBody(r, image.manifest().bytes());
    }

    @Test
    void missingManifestGives404ManifestUnknown() {
        assertError(client().getManifest(repo, "missing-" + Content.randomAlnum(8)), 404, "MANIFEST_UNKNOWN");
        assertError(client().getManifest(repo, Content.unknownDigest()), 404, "MANIFEST_UNKNOWN");
        HttpResponse<byte[]> head = client().headManifest(repo, "missing-" + Content.randomAlnum(8));
        assertStatus(head, 404);
        assertEmptyBody(head);
        assertStatus(client().headManifest(repo, Content.unknownDigest()), 404);
    }

    @Test
    void manifestInUnknownRepositoryGives404() {
        String unknown = Content.randomRepo("nope");
        // spec: "An attempt to pull a nonexistent repository MUST return response code 404 Not Found."
        assertError(client().getManifest(unknown, TAG), 404, "NAME_UNKNOWN", "MANIFEST_UNKNOWN");
        assertStatus(client().headManifest(unknown, TAG), 404);
    }

    @Test
    void manifestWithMalformedDigestGives400Or404WithSpecErrorBody() {
        // 01_pull_test.go "400 response body should contain OCI-conforming JSON message"
        for (String ref : new String[]{"sha256:totallywrong", "sha256:baddigeststring"}) {
            HttpResponse<byte[]> r = client().getManifest(repo, ref);
            assertStatus(r, 400, 404);
            assertThat(errorCodes(r)).isNotEmpty();
        }
    }

    @Test
    void blobReferencedByManifestIsPullableThroughLocationFromTheDescriptor() {
        // pull order independent: manifest first, then each descriptor's blob
        HttpResponse<byte[]> m = client().getManifest(repo, TAG);
        assertStatus(m, 200);
        var layers = OciAssertions.json(m).get("layers");
        assertThat(layers).hasSize(image.layers().size());
        for (var d : layers) {
            HttpResponse<byte[]> b = client().getBlob(repo, d.get("digest").asText());
            assertStatus(b, 200);
            assertThat((long) b.body().length).isEqualTo(d.get("size").asLong());
            assertThat(Content.sha256(b.body())).isEqualTo(d.get("digest").asText());
        }
    }
}
