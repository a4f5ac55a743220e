package dev.berth.conformance;

import dev.berth.conformance.Content.Blob;
import dev.berth.conformance.Content.Manifest;
import dev.berth.conformance.RegistryClient.Image;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;

import static dev.berth.conformance.OciAssertions.assertBody;
import static dev.berth.conformance.OciAssertions.assertError;
import static dev.berth.conformance.OciAssertions.assertStatus;
import static dev.berth.conformance.OciAssertions.describe;
import static dev.berth.conformance.OciAssertions.json;
import static dev.berth.conformance.OciAssertions.stringList;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Content management (distribution-spec v1.1 "Deleting tags", "Deleting Manifests", "Deleting Blobs"; conformance
 * 04_management_test.go).
 */
class ContentManagementWorkflowTest {

    @RegisterExtension
    static final RegistryExtension registry = RegistryExtension.perClass();

    private static RegistryClient client() {
        return registry.client();
    }

    @Test
    void deleteManifestByDigestGives202ThenItAndItsTagsAre404() {
        String repo = Content.randomRepo("del");
        Image other = client().pushImage(repo, "other", 1);
        Image img = client().pushImage(repo, "t1", 1);
        assertStatus(client().putManifest(repo, "t2", img.manifest()), 201);

        assertStatus(client().deleteManifest(repo, img.manifest().digest()), 202);

        assertError(client().getManifest(repo, img.manifest().digest()), 404, "MANIFEST_UNKNOWN");
        assertStatus(client().headManifest(repo, img.manifest().digest()), 404);
        assertError(client().getManifest(repo, "t1"), 404, "MANIFEST_UNKNOWN");
        assertError(client().getManifest(repo, "t2"), 404, "MANIFEST_UNKNOWN");
        HttpResponse<byte[]> tags = client().tagsList(repo);
        assertStatus(tags, 200);
        assertThat(stringList(tags, "tags")).as(describe(tags)).containsExactly("other");
        // the other manifest is untouched
        HttpResponse<byte[]> still = client().getManifest(repo, "other");
        assertStatus(still, 200);
        assertBody(still, other.manifest().bytes());
    }

    @Test
    void deleteOnlyManifestLeavesEmptyOrUnknownTagList() {
        // 04_management_test.go: "GET request to tags list should reflect manifest deletion" (200 or 404)
        String repo = Content.randomRepo("del");
        Image img = client().pushImage(repo, "tagtest0", 1);
        assertStatus(client().deleteManifest(repo, img.manifest().digest()), 202);
        HttpResponse<byte[]> tags = client().tagsList(repo);
        assertStatus(tags, 200, 404);
        if (tags.statusCode() == 200) {
            assertThat(stringList(tags, "tags")).as(describe(tags)).isEmpty();
        }
    }

    @Test
    void deleteTagGives202AndKeepsTheManifest() {
        String repo = Content.randomRepo("del");
        Image img = client().pushImage(repo, "keep", 1);
        assertStatus(client().putManifest(repo, "drop", img.manifest()), 201);

        assertStatus(client().deleteManifest(repo, "drop"), 202);

        assertError(client().getManifest(repo, "drop"), 404, "MANIFEST_UNKNOWN");
        assertStatus(client().headManifest(repo, "drop"), 404);
        HttpResponse<byte[]> byDigest = client().getManifest(repo, img.manifest().digest());
        assertStatus(byDigest, 200);
        assertBody(byDigest, img.manifest().bytes());
        HttpResponse<byte[]> keep = client().getManifest(repo, "keep");
        assertStatus(keep, 200);
        HttpResponse<byte[]> tags = client().tagsList(repo);
        assertStatus(tags, 200);
        assertThat(stringList(tags, "tags")).as(describe(tags)).containsExactly("keep");
    }

    @Test
    void deleteLastTagKeepsManifestByDigest() {
        String repo = Content.randomRepo("del");
        Image img = client().pushImage(repo, "only", 1);
        assertStatus(client().deleteManifest(repo, "only"), 202);
        assertStatus(client().getManifest(repo, "only"), 404);
        HttpResponse<byte[]> byDigest = client().getManifest(repo, img.manifest().digest());
        assertStatus(byDigest, 200);
        assertBody(byDigest, img.manifest().bytes());
    }

    @Test
    void deleteBlobGives202ThenBlobIs404() {
        String repo = Content.randomRepo("del");
        Blob blob = Content.randomBlob(300);
        client().pushBlob(repo, blob);
        assertStatus(client().headBlob(repo, blob.digest()), 200);

        assertStatus(client().deleteBlob(repo, blob.digest()), 202);

        assertError(client().getBlob(repo, blob.digest()), 404, "BLOB_UNKNOWN");
        assertStatus(client().headBlob(repo, blob.digest()), 404);
        assertError(client().deleteBlob(repo, blob.digest()), 404, "BLOB_UNKNOWN");
    }

    @Test
    void deletedBlobCanBePushedAgain() {
        String repo = Content.randomRepo("del");
        Blob blob = Content.randomBlob(300);
        client().pushBlob(repo, blob);
        assertStatus(client().deleteBlob(repo, blob.digest()), 202);
        client().pushBlob(repo, blob);
        HttpResponse<byte[]> get = client().getBlob(repo, blob.digest());
        assertStatus(get, 200);
        assertBody(get, blob.bytes());
    }

    @Test
    void deletedManifestCanBePushedAgain() {
        String repo = Content.randomRepo("del");
        Image img = client().pushImage(repo, "again", 1);
        assertStatus(client().deleteManifest(repo, img.manifest().digest()), 202);
        assertStatus(client().putManifest(repo, "again", img.manifest()), 201);
        HttpResponse<byte[]> get = client().getManifest(repo, "again");
        assertStatus(get, 200);
        assertBody(get, img.manifest().bytes());
    }

    @Test
    void deletingTwiceGives404TheSecondTime() {
        String repo = Content.randomRepo("del");
        Image img = client().pushImage(repo, "twice", 1);
        assertStatus(client().deleteManifest(repo, img.manifest().digest()), 202);
        assertError(client().deleteManifest(repo, img.manifest().digest()), 404, "MANIFEST_UNKNOWN");
        assertError(client().deleteManifest(repo, "twice"), 404, "MANIFEST_UNKNOWN");
    }

    @Test
    void deletingUnknownContentGives404WithItsCode() {
        String repo = Content.randomRepo("del");
        client().pushImage(repo, "present", 1);
        assertError(client().deleteManifest(repo, Content.unknownDigest()), 404, "MANIFEST_UNKNOWN");
        assertError(client().deleteManifest(repo, "absent"), 404, "MANIFEST_UNKNOWN");
        assertError(client().deleteBlob(repo, Content.unknownDigest()), 404, "BLOB_UNKNOWN");
    }

    @Test
    void deletingInUnknownRepositoryGives404() {
        // "If the repository does not exist, the response MUST return 404 Not Found."
        String ghost = Content.randomRepo("ghost");
        assertError(client().deleteManifest(ghost, Content.unknownDigest()), 404, "NAME_UNKNOWN", "MANIFEST_UNKNOWN");
        assertError(client().deleteManifest(ghost, "latest"), 404, "NAME_UNKNOWN", "MANIFEST_UNKNOWN");
        assertError(client().deleteBlob(ghost, Content.unknownDigest()), 404, "NAME_UNKNOWN", "BLOB_UNKNOWN");
    }

    @Test
    void deletesInOneRepositoryDoNotAffectAnother() {
        String a = Content.randomRepo("del-a");
        String b = Content.randomRepo("del-b");
        Image img = RegistryClient.newImage(a, 1);
        client().pushImage(img, "shared");
        client().pushImage(new Image(b, img.config(), img.layers(), img.manifest()), "shared");

        assertStatus(client().deleteManifest(a, img.manifest().digest()), 202);
        for (Blob blob : img.blobs()) {
            assertStatus(client().deleteBlob(a, blob.digest()), 202);
        }

        HttpResponse<byte[]> m = client().getManifest(b, "shared");
        assertStatus(m, 200);
        assertBody(m, img.manifest().bytes());
        for (Blob blob : img.blobs()) {
            HttpResponse<byte[]> get = client().getBlob(b, blob.digest());
            assertStatus(get, 200);
            assertBody(get, blob.bytes());
        }
        assertStatus(client().getManifest(a, "shared"), 404);
        assertStatus(client().getBlob(a, img.config().digest()), 404);
    }

    @Test
    void deletedReferrerLeavesTheReferrersList() {
        String repo = Content.randomRepo("del-refs");
        Image subject = client().pushImage(repo, "subject", 1);
        Blob emptyJson = Blob.of(Content.EMPTY_JSON);
        client().pushBlob(repo, emptyJson);
        Manifest keep = Content.ociManifest().artifactType("application/vnd.example.keep")
                .config(emptyJson.descriptor(Content.OCI_EMPTY)).layer(emptyJson.descriptor(Content.OCI_EMPTY))
                .subject(subject.manifest().descriptor()).build();
        Manifest gone = Content.ociManifest().artifactType("application/vnd.example.gone")
                .config(emptyJson.descriptor(Content.OCI_EMPTY)).layer(emptyJson.descriptor(Content.OCI_EMPTY))
                .subject(subject.manifest().descriptor()).build();
        assertStatus(client().putManifest(repo, keep.digest(), keep), 201);
        assertStatus(client().putManifest(repo, gone.digest(), gone), 201);

        assertStatus(client().deleteManifest(repo, gone.digest()), 202);

        HttpResponse<byte[]> r = client().referrers(repo, subject.manifest().digest(), null);
        assertStatus(r, 200);
        var digests = new java.util.ArrayList<String>();
        json(r).path("manifests").forEach(d -> digests.add(d.path("digest").asText()));
        assertThat(digests).as(describe(r)).containsExactly(keep.digest());
    }
}
