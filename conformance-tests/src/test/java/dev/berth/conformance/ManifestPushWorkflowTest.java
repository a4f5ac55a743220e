package dev.berth.conformance;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.conformance.Content.Blob;
import dev.berth.conformance.Content.Manifest;
import dev.berth.conformance.RegistryClient.Image;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
import static dev.berth.conformance.OciAssertions.assertContentType;
import static dev.berth.conformance.OciAssertions.assertDigestHeader;
import static dev.berth.conformance.OciAssertions.assertEmptyBody;
import static dev.berth.conformance.OciAssertions.assertError;
import static dev.berth.conformance.OciAssertions.assertHeader;
import static dev.berth.conformance.OciAssertions.assertStatus;
import static dev.berth.conformance.OciAssertions.describe;
import static dev.berth.conformance.OciAssertions.requireHeader;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Manifest push (distribution-spec v1.1 "Pushing Manifests", "Pushing Manifests with Subject"; conformance
 * 02_push_test.go "Manifest Upload" and the manifest checks of the newer runner).
 */
class ManifestPushWorkflowTest {

    @RegisterExtension
    static final RegistryExtension registry = RegistryExtension.perClass();

    private static final int FOUR_MIB = 4 * 1024 * 1024;

    /** A repository holding a config and two layers, for manifests to reference. */
    private static String repo;
    private static Blob config;
    private static Blob layer1;
    private static Blob layer2;

    @BeforeAll
    static void blobs() {
        repo = Content.randomRepo("man");
        config = Content.randomConfig();
        layer1 = Content.randomBlob(128);
        layer2 = Content.randomBlob(256);
        for (Blob b : new Blob[]{config, layer1, layer2, Blob.of(Content.EMPTY_JSON)}) {
            registry.client().pushBlob(repo, b);
        }
    }

    private static RegistryClient client() {
        return registry.client();
    }

    private static Content.ManifestBuilder image() {
        return Content.ociManifest()
                .config(config.descriptor(Content.OCI_CONFIG))
                .layer(layer1.descriptor(Content.OCI_LAYER))
                .layer(layer2.descriptor(Content.OCI_LAYER))
                .annotation("org.example.nonce", Content.randomAlnum(12));
    }

    /** 201 with Location (pullable, exact bytes and type) and the right Docker-Content-Digest. */
    private static void assertManifestCreated(HttpResponse<byte[]> r, String repo, Manifest m) {
        assertStatus(r, 201);
        assertDigestHeader(r, m.digest());
        String location = requireHeader(r, "Location");
        HttpResponse<byte[]> get = client().get(location, "Accept", RegistryClient.ACCEPT_ALL_MANIFESTS);
        assertStatus(get, 200);
        assertBody(get, m.bytes());
        assertContentType(get, m.mediaType());
        assertContentLength(get, m.bytes().length);
    }

    private static void assertServed(String repo, String ref, Manifest m) {
        HttpResponse<byte[]> get = client().getManifest(repo, ref);
        assertStatus(get, 200);
        assertBody(get, m.bytes());
        assertContentType(get, m.mediaType());
        assertDigestHeader(get, m.digest());
        assertContentLength(get, m.bytes().length);
        HttpResponse<byte[]> head = client().headManifest(repo, ref);
        assertStatus(head, 200);
        assertContentType(head, m.mediaType());
        assertDigestHeader(head, m.digest());
        assertContentLength(head, m.bytes().length);
        assertEmptyBody(head);
    }

    // ------------------------------------------------------------------------------------------ OCI image manifests

    @Test
    void putByTagGives201AndIsServedByTagAndDigest() {
        Manifest m = image().build();
        assertManifestCreated(client().putManifest(repo, "v1-tag", m), repo, m);
        assertServed(repo, "v1-tag", m);
        assertServed(repo, m.digest(), m);
    }

    @Test
    void putByDigestGives201() {
        Manifest m = image().build();
        HttpResponse<byte[]> r = client().putManifest(repo, m.digest(), m);
        assertManifestCreated(r, repo, m);
        assertThat(client().resolve(requireHeader(r, "Location")).getPath())
                .isEqualTo("/v2/" + repo + "/manifests/" + m.digest());
        assertServed(repo, m.digest(), m);
    }

    @Test
    void sameManifestUnderFourTags() {
        Manifest m = image().build();
        for (int i = 0; i < 4; i++) {
            assertManifestCreated(client().putManifest(repo, "test" + i, m), repo, m);
        }
        for (int i = 0; i < 4; i++) {
            assertServed(repo, "test" + i, m);
        }
    }

    @Test
    void tagCanBeMovedToAnotherManifest() {
        Manifest first = image().build();
        Manifest second = image().build();
        assertStatus(client().putManifest(repo, "moving", first), 201);
        assertStatus(client().putManifest(repo, "moving", second), 201);
        assertServed(repo, "moving", second);
        assertServed(repo, first.digest(), first);
    }

    @Test
    void manifestWithoutLayersIsAccepted() {
        Manifest m = Content.ociManifest().config(config.descriptor(Content.OCI_CONFIG)).build();
        assertManifestCreated(client().putManifest(repo, "nolayers", m), repo, m);
    }

    @Test
    void artifactManifestWithEmptyConfigIsAccepted() {
        Blob data = Content.randomBlob(77);
        client().pushBlob(repo, data);
        Manifest m = Content.ociManifest()
                .artifactType("application/vnd.example.thing.v1")
                .config(new Content.Descriptor(Content.OCI_EMPTY, Content.EMPTY_JSON_DIGEST, 2))
                .layer(data.descriptor("application/vnd.example.thing.data"))
                .build();
        assertManifestCreated(client().putManifest(repo, m.digest(), m), repo, m);
    }

    @Test
    void manifestWithoutMediaTypeFieldIsServedWithPushedContentType() {
        Manifest m = image().withoutMediaTypeField().build();
        assertManifestCreated(client().putManifest(repo, "nomediatype", m), repo, m);
    }

    @Test
    void contentTypeParametersAreIgnored() {
        // "The registry SHOULD ignore parameters on the Content-Type header."
        Manifest m = image().build();
        HttpResponse<byte[]> r = client().putManifest(repo, "with-params", m.mediaType() + "; charset=utf-8",
                m.bytes());
        assertStatus(r, 201);
        HttpResponse<byte[]> get = client().getManifest(repo, "with-params");
        assertStatus(get, 200);
        assertContentType(get, m.mediaType());
        assertBody(get, m.bytes());
    }

    @Test
    void concurrentPushesToOneTagLeaveExactlyOneOfThem() throws Exception {
        int threads = 8;
        List<Manifest> manifests = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            manifests.add(image().build());
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<HttpResponse<byte[]>>> results = new ArrayList<>();
            for (Manifest m : manifests) {
                results.add(pool.submit(() -> {
                    go.await();
                    return client().putManifest(repo, "contended", m);
                }));
            }
            go.countDown();
            for (Future<HttpResponse<byte[]>> f : results) {
                assertStatus(f.get(60, TimeUnit.SECONDS), 201);
            }
        } finally {
            pool.shutdownNow();
        }
        HttpResponse<byte[]> get = client().getManifest(repo, "contended");
        assertStatus(get, 200);
        Manifest winner = manifests.stream().filter(m -> Arrays.equals(m.bytes(), get.body())).findFirst()
                .orElseThrow(() -> new AssertionError("tag points at none of the pushed manifests:\n" + describe(get)));
        assertDigestHeader(get, winner.digest());
        for (Manifest m : manifests) {
            assertServed(repo, m.digest(), m);
        }
    }

    // ------------------------------------------------------------------------------------------ rejected manifests

    @Test
    void missingLayerGives400ManifestBlobUnknown() {
        Blob absent = Content.randomBlob(99);
        Manifest m = Content.ociManifest()
                .config(config.descriptor(Content.OCI_CONFIG))
                .layer(layer1.descriptor(Content.OCI_LAYER))
                .layer(absent.descriptor(Content.OCI_LAYER))
                .build();
        assertError(client().putManifest(repo, "missing-layer", m), 400, "MANIFEST_BLOB_UNKNOWN");
        assertStatus(client().getManifest(repo, "missing-layer"), 404);
        assertStatus(client().getManifest(repo, m.digest()), 404);
    }

    @Test
    void missingConfigGives400ManifestBlobUnknown() {
        Manifest m = Content.ociManifest()
                .config(Content.randomConfig().descriptor(Content.OCI_CONFIG))
                .layer(layer1.descriptor(Content.OCI_LAYER))
                .build();
        assertError(client().putManifest(repo, "missing-config", m), 400, "MANIFEST_BLOB_UNKNOWN");
        assertStatus(client().getManifest(repo, "missing-config"), 404);
    }

    @Test
    void layerOfAnotherRepositoryIsUnknownHere() {
        String other = Content.randomRepo("man-other");
        Blob foreign = Content.randomBlob(99);
        client().pushBlob(other, foreign);
        Manifest m = Content.ociManifest()
                .config(config.descriptor(Content.OCI_CONFIG))
                .layer(foreign.descriptor(Content.OCI_LAYER))
                .build();
        assertError(client().putManifest(repo, "foreign-layer", m), 400, "MANIFEST_BLOB_UNKNOWN");
    }

    @Test
    void malformedJsonGives400ManifestInvalid() {
        byte[] body = "{\"schemaVersion\": 2, \"mediaType\": \"application/vnd.oci.image.manifest.v1+json\", "
                .getBytes(StandardCharsets.UTF_8);
        assertError(client().putManifest(repo, "malformed", Content.OCI_MANIFEST, body), 400, "MANIFEST_INVALID");
        assertError(client().putManifest(repo, "garbage", Content.OCI_MANIFEST, Content.randomBytes(64)), 400,
                "MANIFEST_INVALID");
        assertStatus(client().getManifest(repo, "malformed"), 404);
    }

    @Test
    void contentTypeNotMatchingMediaTypeGives400ManifestInvalid() {
        Manifest m = image().build();
        assertError(client().putManifest(repo, "mismatch", Content.DOCKER_MANIFEST, m.bytes()), 400,
                "MANIFEST_INVALID");
        assertError(client().putManifest(repo, "mismatch", Content.OCI_INDEX, m.bytes()), 400,
                "MANIFEST_INVALID");
        assertStatus(client().getManifest(repo, "mismatch"), 404);
    }

    @Test
    void putByDigestNotMatchingBodyGives400() {
        Manifest m = image().build();
        assertError(client().putManifest(repo, Content.unknownDigest(), m), 400, "DIGEST_INVALID");
        assertStatus(client().getManifest(repo, m.digest()), 404);
        // the conformance runner's "invalid-digest-format" case
        HttpResponse<byte[]> bad = client().putManifest(repo, "sha256:baddigeststring", m);
        assertStatus(bad, 400);
        assertThat(OciAssertions.errorCodes(bad)).as(describe(bad)).isNotEmpty();
    }

    @Test
    void manifestOverFourMiBGives413() {
        ObjectNode json = image().json();
        ((ObjectNode) json.get("annotations")).put("org.example.padding", "x".repeat(FOUR_MIB + 1024));
        byte[] body = Content.bytes(json);
        assertThat(body.length).isGreaterThan(FOUR_MIB);
        HttpResponse<byte[]> r = client().putManifest(repo, "huge", Content.OCI_MANIFEST, body);
        assertStatus(r, 413);
        assertStatus(client().getManifest(repo, "huge"), 404);
    }

    @Test
    void manifestOfFourMegabytesIsAccepted() {
        // "Client and registry implementations SHOULD expect to be able to support manifest pushes of at least
        // 4 megabytes." 4,000,000 bytes is within 4 MiB.
        ObjectNode json = image().json();
        int base = Content.bytes(json).length;
        ((ObjectNode) json.get("annotations")).put("org.example.padding", "");
        int overhead = Content.bytes(json).length - base;
        ((ObjectNode) json.get("annotations")).put("org.example.padding", "y".repeat(4_000_000 - base - overhead));
        byte[] body = Content.bytes(json);
        assertThat(body.length).isEqualTo(4_000_000);
        Manifest m = Manifest.of(body, Content.OCI_MANIFEST);
        assertStatus(client().putManifest(repo, "big", m), 201);
        HttpResponse<byte[]> get = client().getManifest(repo, "big");
        assertStatus(get, 200);
        assertBody(get, body);
    }

    // ------------------------------------------------------------------------------------------ indexes

    @Test
    void imageIndexWithExistingChildrenGives201() {
        Manifest amd = image().build();
        Manifest arm = image().build();
        assertStatus(client().putManifest(repo, amd.digest(), amd), 201);
        assertStatus(client().putManifest(repo, arm.digest(), arm), 201);
        Manifest index = Content.ociIndex().manifest(amd.descriptor(), "amd64").manifest(arm.descriptor(), "arm64")
                .build();
        assertManifestCreated(client().putManifest(repo, "multi", index), repo, index);
        assertServed(repo, "multi", index);
        assertServed(repo, index.digest(), index);
    }

    @Test
    void imageIndexWithMissingChildGives400ManifestBlobUnknown() {
        Manifest present = image().build();
        assertStatus(client().putManifest(repo, present.digest(), present), 201);
        Manifest absent = image().build();
        Manifest index = Content.ociIndex().manifest(present.descriptor(), "amd64")
                .manifest(absent.descriptor(), "arm64").build();
        assertError(client().putManifest(repo, "multi-missing", index), 400, "MANIFEST_BLOB_UNKNOWN");
        assertStatus(client().getManifest(repo, "multi-missing"), 404);
    }

    // ------------------------------------------------------------------------------------------ Docker types

    @Test
    void dockerSchema2ManifestIsAcceptedAndServedWithItsType() {
        Manifest m = Content.dockerManifest()
                .config(config.descriptor(Content.DOCKER_CONFIG))
                .layer(layer1.descriptor(Content.DOCKER_LAYER))
                .build();
        assertManifestCreated(client().putManifest(repo, "docker", m), repo, m);
        HttpResponse<byte[]> get = client().get(RegistryClient.manifestPath(repo, "docker"),
                "Accept", Content.DOCKER_MANIFEST);
        assertStatus(get, 200);
        assertContentType(get, Content.DOCKER_MANIFEST);
        assertBody(get, m.bytes());
        assertServed(repo, "docker", m);
    }

    @Test
    void dockerManifestListIsAcceptedAndServedWithItsType() {
        Manifest amd = Content.dockerManifest().config(config.descriptor(Content.DOCKER_CONFIG))
                .layer(layer1.descriptor(Content.DOCKER_LAYER)).build();
        Manifest arm = Content.dockerManifest().config(config.descriptor(Content.DOCKER_CONFIG))
                .layer(layer2.descriptor(Content.DOCKER_LAYER)).build();
        assertStatus(client().putManifest(repo, amd.digest(), amd), 201);
        assertStatus(client().putManifest(repo, arm.digest(), arm), 201);
        Manifest list = Content.dockerManifestList().manifest(amd.descriptor(), "amd64")
                .manifest(arm.descriptor(), "arm64").build();
        assertManifestCreated(client().putManifest(repo, "docker-list", list), repo, list);
        HttpResponse<byte[]> get = client().get(RegistryClient.manifestPath(repo, "docker-list"),
                "Accept", Content.DOCKER_LIST);
        assertStatus(get, 200);
        assertContentType(get, Content.DOCKER_LIST);
        assertBody(get, list.bytes());
    }

    // ------------------------------------------------------------------------------------------ subject

    @Test
    void manifestWithSubjectGetsOciSubjectHeader() {
        Manifest subject = image().build();
        assertStatus(client().putManifest(repo, subject.digest(), subject), 201);
        Manifest referrer = Content.ociManifest()
                .artifactType("application/vnd.example.sbom.v1")
                .config(new Content.Descriptor(Content.OCI_EMPTY, Content.EMPTY_JSON_DIGEST, 2))
                .layer(layer1.descriptor("application/vnd.example.sbom.data"))
                .subject(subject.descriptor())
                .build();
        HttpResponse<byte[]> r = client().putManifest(repo, referrer.digest(), referrer);
        assertManifestCreated(r, repo, referrer);
        assertHeader(r, "OCI-Subject", subject.digest());
    }

    @Test
    void manifestWithMissingSubjectIsAcceptedWithOciSubjectHeader() {
        // "A registry MUST initially accept an otherwise valid manifest with a subject field that references a
        // manifest that does not exist in the repository"
        Manifest ghost = image().build(); // never pushed
        Manifest referrer = Content.ociManifest()
                .artifactType("application/vnd.example.sig.v1")
                .config(new Content.Descriptor(Content.OCI_EMPTY, Content.EMPTY_JSON_DIGEST, 2))
                .layer(layer2.descriptor("application/vnd.example.sig.data"))
                .subject(ghost.descriptor())
                .build();
        HttpResponse<byte[]> r = client().putManifest(repo, referrer.digest(), referrer);
        assertManifestCreated(r, repo, referrer);
        assertHeader(r, "OCI-Subject", ghost.digest());
    }

    @Test
    void indexWithSubjectGetsOciSubjectHeader() {
        Manifest subject = image().build();
        assertStatus(client().putManifest(repo, subject.digest(), subject), 201);
        Manifest child = image().build();
        assertStatus(client().putManifest(repo, child.digest(), child), 201);
        Manifest index = Content.ociIndex().artifactType("application/vnd.example.bundle.v1")
                .manifest(child.descriptor(), "amd64").subject(subject.descriptor()).build();
        HttpResponse<byte[]> r = client().putManifest(repo, index.digest(), index);
        assertManifestCreated(r, repo, index);
        assertHeader(r, "OCI-Subject", subject.digest());
    }

    @Test
    void manifestWithoutSubjectHasNoOciSubjectHeader() {
        Manifest m = image().build();
        HttpResponse<byte[]> r = client().putManifest(repo, m.digest(), m);
        assertStatus(r, 201);
        OciAssertions.assertNoHeader(r, "OCI-Subject");
    }

    // ------------------------------------------------------------------------------------------ whole image

    @Test
    void pushedImageIsCompletelyPullable() {
        String own = Content.randomRepo("man-img");
        Image img = client().pushImage(own, "latest", 3);
        assertServed(own, "latest", img.manifest());
        for (Blob b : img.blobs()) {
            HttpResponse<byte[]> get = client().getBlob(own, b.digest());
            assertStatus(get, 200);
            assertBody(get, b.bytes());
        }
    }
}
