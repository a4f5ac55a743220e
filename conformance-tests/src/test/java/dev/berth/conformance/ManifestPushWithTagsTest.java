package dev.berth.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.conformance.Content.Blob;
import dev.berth.conformance.Content.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import static dev.berth.conformance.OciAssertions.assertError;
import static dev.berth.conformance.OciAssertions.assertStatus;
import static dev.berth.conformance.OciAssertions.header;
import static dev.berth.conformance.OciAssertions.json;
import static dev.berth.conformance.OciAssertions.requireHeader;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pushing a manifest by digest with tags (distribution-spec {@code main}, "Pushing Manifests": {@code tag} query
 * parameters on a push by digest, end-7b): every tag points at the manifest and is answered in {@code OCI-Tag}; a
 * bad tag refuses the push before anything is stored.
 */
class ManifestPushWithTagsTest {
    @RegisterExtension
    static final RegistryExtension registry = RegistryExtension.perClass();

    private static Manifest pushedBlobsOf(String repo) {
        Blob config = Content.randomConfig();
        Blob layer = Content.randomBlob(300);
        registry.client().pushBlob(repo, config);
        registry.client().pushBlob(repo, layer);
        return Content.ociManifest().config(config.descriptor(Content.OCI_CONFIG))
                .layer(layer.descriptor(Content.OCI_LAYER)).build();
    }

    private static HttpResponse<byte[]> putByDigest(String repo, Manifest manifest, String... tags) {
        String query = tags.length == 0 ? ""
                : Arrays.stream(tags).map(tag -> "tag=" + tag).collect(Collectors.joining("&", "?", ""));
        return registry.client().putManifest(repo, manifest.digest() + query, manifest.mediaType(), manifest.bytes());
    }

    @Test
    void aPushByDigestWithTagsPointsEachAtTheManifestAndNamesThemInOciTag() {
        String repo = Content.randomRepo("tags");
        Manifest manifest = pushedBlobsOf(repo);

        HttpResponse<byte[]> pushed = putByDigest(repo, manifest, "1.2.3", "1.2", "1", "latest");

        assertStatus(pushed, 201);
        assertThat(requireHeader(pushed, "Docker-Content-Digest")).isEqualTo(manifest.digest());
        List<String> named = new ArrayList<>();
        for (String value : pushed.headers().allValues("OCI-Tag")) {
            for (String tag : value.split(",")) {
                named.add(tag.strip());
            }
        }
        assertThat(named).containsExactlyInAnyOrder("1.2.3", "1.2", "1", "latest");
        for (String tag : named) {
            HttpResponse<byte[]> pulled = registry.client().getManifest(repo, tag);
            assertStatus(pulled, 200);
            assertThat(requireHeader(pulled, "Docker-Content-Digest")).isEqualTo(manifest.digest());
        }
        JsonNode tags = json(registry.client().tagsList(repo)).get("tags");
        assertThat(tags).extracting(JsonNode::asText).containsExactly("1", "1.2", "1.2.3", "latest");
    }

    @Test
    void aPushByDigestWithoutTagsNamesNone() {
        String repo = Content.randomRepo("untagged");
        Manifest manifest = pushedBlobsOf(repo);

        HttpResponse<byte[]> pushed = putByDigest(repo, manifest);

        assertStatus(pushed, 201);
        assertThat(header(pushed, "OCI-Tag")).isEmpty();
        assertError(registry.client().getManifest(repo, "latest"), 404, "MANIFEST_UNKNOWN");
    }

    @Test
    void aBadTagAmongThemRefusesThePushBeforeAnythingIsStored() {
        String repo = Content.randomRepo("badtag");
        Manifest manifest = pushedBlobsOf(repo);

        assertError(putByDigest(repo, manifest, "good", ".starts-with-a-dot"), 400, "MANIFEST_INVALID", "TAG_INVALID");

        assertError(registry.client().getManifest(repo, manifest.digest()), 404, "MANIFEST_UNKNOWN");
        assertError(registry.client().getManifest(repo, "good"), 404, "MANIFEST_UNKNOWN");
    }
}
