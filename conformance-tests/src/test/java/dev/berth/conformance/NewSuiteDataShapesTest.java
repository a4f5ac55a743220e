package dev.berth.conformance;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.conformance.Content.Blob;
import dev.berth.conformance.Content.Descriptor;
import dev.berth.conformance.Content.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.util.List;

import static dev.berth.conformance.OciAssertions.assertError;
import static dev.berth.conformance.OciAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shapes of content the redesigned conformance suite (distribution-spec {@code conformance/}, run as
 * {@code OCI_VERSION=dev}) pushes, each pushed and pulled back byte for byte (issue 15, item 4): an empty blob, an
 * index of indexes, an empty index, an artifact whose only layer is the empty JSON, an image with no layers, a
 * descriptor with embedded data, unknown fields in a manifest, a subject that is not in the registry, and an image
 * whose non-distributable layers live elsewhere (their {@code urls}) and are never pushed. The suite's "sparse"
 * manifests (a layer or a child never pushed, off by default in the suite) are refused with the spec's error.
 */
class NewSuiteDataShapesTest {
    @RegisterExtension
    static final RegistryExtension registry = RegistryExtension.perClass();

    private static final String ND_LAYER_GZIP = "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";
    private static final String ND_LAYER = "application/vnd.oci.image.layer.nondistributable.v1.tar";
    private static final String EXAMPLE_TYPE = "application/vnd.example.conformance+json";

    private static RegistryClient oci() {
        return registry.client();
    }

    private static String repo(String name) {
        return "library/shapes-" + name + "-" + Content.randomAlnum(6);
    }

    private static void push(String repo, Blob blob) {
        oci().pushBlob(repo, blob);
    }

    /** Pushes the manifest by tag and pulls it back by tag and by digest, byte for byte. */
    private static void pushAndPull(String repo, String tag, Manifest manifest) {
        HttpResponse<byte[]> put = oci().putManifest(repo, tag, manifest);
        assertStatus(put, 201);
        assertThat(put.headers().firstValue("Docker-Content-Digest")).contains(manifest.digest());
        for (String reference : List.of(tag, manifest.digest())) {
            HttpResponse<byte[]> got = oci().getManifest(repo, reference);
            assertStatus(got, 200);
            assertThat(got.body()).as("GET %s", reference).isEqualTo(manifest.bytes());
            assertThat(got.headers().firstValue("Docker-Content-Digest")).contains(manifest.digest());
        }
    }

    private static Manifest image(String repo, int layers) {
        Blob config = Content.randomConfig();
        push(repo, config);
        Content.ManifestBuilder builder = Content.ociManifest().config(config.descriptor(Content.OCI_CONFIG));
        for (int i = 0; i < layers; i++) {
            Blob layer = Content.randomBlob(256 + i);
            push(repo, layer);
            builder.layer(layer.descriptor(Content.OCI_LAYER));
        }
        return builder.build();
    }

    @Test
    void anEmptyBlobIsPushedHeadedAndPulled() {
        String repo = repo("empty-blob");
        Blob empty = Blob.of(new byte[0]);

        assertStatus(oci().postMonolithic(repo, empty.bytes(), empty.digest()), 201);

        HttpResponse<byte[]> head = oci().headBlob(repo, empty.digest());
        assertStatus(head, 200);
        assertThat(head.headers().firstValue("Content-Length")).contains("0");
        HttpResponse<byte[]> got = oci().getBlob(repo, empty.digest());
        assertStatus(got, 200);
        assertThat(got.body()).isEmpty();
        assertThat(got.headers().firstValue("Docker-Content-Digest")).contains(empty.digest());
    }

    @Test
    void anIndexOfIndexes() {
        String repo = repo("nested-index");
        Manifest amd = image(repo, 1);
        Manifest arm = image(repo, 1);
        assertStatus(oci().putManifest(repo, amd.digest(), amd), 201);
        assertStatus(oci().putManifest(repo, arm.digest(), arm), 201);
        Manifest first = Content.ociIndex().manifest(amd.descriptor(), "amd64").manifest(arm.descriptor(), "arm64").build();
        Manifest second = Content.ociIndex().manifest(arm.descriptor(), "arm64").manifest(amd.descriptor(), "amd64").build();
        assertStatus(oci().putManifest(repo, first.digest(), first), 201);
        assertStatus(oci().putManifest(repo, second.digest(), second), 201);

        ObjectNode outer = Content.JSON.createObjectNode();
        outer.put("schemaVersion", 2);
        outer.put("mediaType", Content.OCI_INDEX);
        outer.putArray("manifests").add(first.descriptor().toJson()).add(second.descriptor().toJson());
        pushAndPull(repo, "index-of-index", Manifest.of(Content.prettyBytes(outer), Content.OCI_INDEX));
    }

    @Test
    void anEmptyIndex() {
        String repo = repo("empty-index");
        pushAndPull(repo, "index", Content.ociIndex().build());
    }

    @Test
    void anArtifactWhoseOnlyLayerIsTheEmptyJson() {
        String repo = repo("artifact-without-layers");
        Blob empty = Blob.of(Content.EMPTY_JSON);
        push(repo, empty);
        Manifest artifact = Content.ociManifest().artifactType(EXAMPLE_TYPE).config(empty.descriptor(Content.OCI_EMPTY))
                .layer(empty.descriptor(Content.OCI_EMPTY)).build();
        pushAndPull(repo, "artifact-without-layers", artifact);
    }

    @Test
    void anImageWithNoLayers() {
        String repo = repo("no-layers");
        pushAndPull(repo, "no-layers", image(repo, 0));
    }

    @Test
    void aDescriptorWithEmbeddedDataAndUnknownFields() {
        String repo = repo("data-field");
        Blob config = Content.randomConfig();
        push(repo, config);
        Blob layer = Content.randomBlob(300);
        push(repo, layer);
        ObjectNode manifest = Content.ociManifest().config(config.descriptor(Content.OCI_CONFIG))
                .layer(layer.descriptor(Content.OCI_LAYER)).json();
        ((ObjectNode) manifest.get("config")).put("data", java.util.Base64.getEncoder().encodeToString(config.bytes()));
        manifest.put("org.example.unknown-" + Content.randomAlnum(5), "a field no spec defines");
        ((ObjectNode) manifest.get("layers").get(0)).put("x-custom", 42);

        pushAndPull(repo, "data-field", Manifest.of(Content.prettyBytes(manifest), Content.OCI_MANIFEST));
    }

    @Test
    void anArtifactWhoseSubjectIsNotInTheRegistry() {
        String repo = repo("missing-subject");
        Blob empty = Blob.of(Content.EMPTY_JSON);
        push(repo, empty);
        Blob layer = Content.randomBlob(64);
        push(repo, layer);
        Descriptor missing = new Descriptor(Content.OCI_MANIFEST, Content.unknownDigest(), 123);
        Manifest artifact = Content.ociManifest().artifactType(EXAMPLE_TYPE).config(empty.descriptor(Content.OCI_EMPTY))
                .layer(layer.descriptor(EXAMPLE_TYPE)).subject(missing).annotation("org.opencontainers.conformance", "hello")
                .build();

        HttpResponse<byte[]> put = oci().putManifest(repo, "tagged-artifact", artifact);
        assertStatus(put, 201);
        assertThat(put.headers().firstValue("OCI-Subject")).contains(missing.digest());
        HttpResponse<byte[]> referrers = oci().referrers(repo, missing.digest(), null);
        assertStatus(referrers, 200);
        assertThat(new String(referrers.body())).contains(artifact.digest());
    }

    @Test
    void anImageWithNonDistributableLayersThatAreNeverPushed() {
        String repo = repo("non-distributable");
        Blob config = Content.randomConfig();
        push(repo, config);
        Blob normal = Content.randomBlob(512);
        push(repo, normal);
        String elsewhereGzip = Content.sha256(Content.randomBytes(256));
        String elsewhere = Content.sha256(Content.randomBytes(256));
        ObjectNode manifest = Content.ociManifest().config(config.descriptor(Content.OCI_CONFIG))
                .layer(new Descriptor(ND_LAYER_GZIP, elsewhereGzip, 123456))
                .layer(new Descriptor(ND_LAYER, elsewhere, 12345))
                .layer(normal.descriptor(Content.OCI_LAYER)).json();
        ((ObjectNode) manifest.get("layers").get(0)).putArray("urls").add("https://store.example.com/blobs/sha256/" + elsewhereGzip.substring(7));
        ((ObjectNode) manifest.get("layers").get(1)).putArray("urls").add("https://store.example.com/blobs/sha256/" + elsewhere.substring(7));

        pushAndPull(repo, "non-distributable-image", Manifest.of(Content.prettyBytes(manifest), Content.OCI_MANIFEST));
        assertStatus(oci().headBlob(repo, elsewhere), 404);
    }

    @Test
    void aNonDistributableLayerThatWasPushedMustHaveItsDeclaredSize() {
        String repo = repo("non-distributable-size");
        Blob config = Content.randomConfig();
        push(repo, config);
        Blob pushed = Content.randomBlob(100);
        push(repo, pushed);
        Manifest manifest = Content.ociManifest().config(config.descriptor(Content.OCI_CONFIG))
                .layer(new Descriptor(ND_LAYER, pushed.digest(), 99)).build();

        assertError(oci().putManifest(repo, "wrong-size", manifest), 400, "MANIFEST_INVALID");
    }

    @Test
    void sparseManifestsAreRefusedWithTheSpecsError() {
        String repo = repo("sparse");
        Blob config = Content.randomConfig();
        push(repo, config);
        Blob neverPushed = Content.randomBlob(128);
        Manifest image = Content.ociManifest().config(config.descriptor(Content.OCI_CONFIG))
                .layer(neverPushed.descriptor(Content.OCI_LAYER)).build();
        assertError(oci().putManifest(repo, "sparse-image", image), 400, "MANIFEST_BLOB_UNKNOWN");

        Manifest stored = image(repo, 1);
        assertStatus(oci().putManifest(repo, stored.digest(), stored), 201);
        Descriptor missingChild = new Descriptor(Content.OCI_MANIFEST, Content.unknownDigest(), 1024);
        Manifest index = Content.ociIndex().manifest(stored.descriptor(), "amd64").manifest(missingChild, "arm64").build();
        assertError(oci().putManifest(repo, "sparse-index", index), 400, "MANIFEST_BLOB_UNKNOWN");
    }
}
