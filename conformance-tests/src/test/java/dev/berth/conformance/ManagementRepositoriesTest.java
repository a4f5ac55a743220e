package dev.berth.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.conformance.Content.Blob;
import dev.berth.conformance.Content.Manifest;
import dev.berth.conformance.RegistryClient.Image;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static dev.berth.conformance.ManagementAssertions.assertApiError;
import static dev.berth.conformance.ManagementAssertions.assertArtifactShape;
import static dev.berth.conformance.ManagementAssertions.assertGroupResult;
import static dev.berth.conformance.ManagementAssertions.assertList;
import static dev.berth.conformance.ManagementAssertions.assertRepositoryShape;
import static dev.berth.conformance.ManagementAssertions.names;
import static dev.berth.conformance.ManagementClient.arr;
import static dev.berth.conformance.ManagementClient.artifactPath;
import static dev.berth.conformance.ManagementClient.obj;
import static dev.berth.conformance.ManagementClient.registryPath;
import static dev.berth.conformance.ManagementClient.repositoryPath;
import static dev.berth.conformance.ManagementClient.repositoryPathEncoded;
import static dev.berth.conformance.OciAssertions.assertError;
import static dev.berth.conformance.OciAssertions.assertStatus;
import static dev.berth.conformance.OciAssertions.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * management-api.md "Repositories, artifacts and tags": lists, one repository, artifact objects (size of manifest
 * plus blobs), deleting tags, artifacts and repositories singly and as group actions, {@code {repository}} with
 * {@code /} raw and as {@code %2F}.
 */
class ManagementRepositoriesTest {

    @RegisterExtension
    static final RegistryExtension registry = RegistryExtension.perClass();

    /**
     * A registry that tests only read: {@code team/app} (image A tagged v1 and v2, image B tagged b1) and
     * {@code solo}.
     */
    private static String reg;
    /** A registry for the tests that push and delete, each in its own repository. */
    private static String work;
    private static Image imageA;
    private static Image imageB;

    @BeforeAll
    static void populate() {
        reg = api().newRegistry("repos");
        work = api().newRegistry("work");
        RegistryClient oci = registry.client();
        imageA = oci.pushImage(reg + "/team/app", "v1", 2);
        assertStatus(oci.putManifest(imageA.repo(), "v2", imageA.manifest()), 201);
        imageB = oci.pushImage(reg + "/team/app", "b1", 1);
        oci.pushImage(reg + "/solo", "latest", 1);
    }

    private static ManagementClient api() {
        return registry.management();
    }

    private static RegistryClient oci() {
        return registry.client();
    }

    private static long imageSize(Image image) {
        return image.manifest().bytes().length + image.blobs().stream().mapToLong(Blob::size).sum();
    }

    // ------------------------------------------------------------------------------------------ repositories

    @Test
    void listRepositoriesOfARegistry() {
        JsonNode l = assertList(api().get(registryPath(reg) + "/repositories"));
        assertThat(l.get("count").asLong()).as("%s", l).isEqualTo(2);
        assertThat(names(l, "name")).as("names are relative to the registry")
                .containsExactlyInAnyOrder("team/app", "solo");
        for (JsonNode r : l.get("results")) {
            assertRepositoryShape(r);
            assertThat(r.get("size_bytes").asLong()).isPositive();
            assertThat(r.get("pull_count").asLong()).isZero();
        }
        JsonNode app = find(l, "team/app");
        assertThat(app.get("artifact_count").asLong()).as("%s", app).isEqualTo(2);
        assertThat(app.get("size_bytes").asLong()).as("%s", app)
                .isGreaterThanOrEqualTo(Math.max(imageSize(imageA), imageSize(imageB)));
    }

    @Test
    void listRepositoriesFiltersAndPages() {
        JsonNode f = assertList(api().get(registryPath(reg) + "/repositories", "name", "TEAM"));
        assertThat(names(f, "name")).containsExactly("team/app");
        assertThat(f.get("count").asLong()).isEqualTo(1);
        JsonNode p1 = assertList(api().get(registryPath(reg) + "/repositories", "size", "1", "page", "1"));
        JsonNode p2 = assertList(api().get(registryPath(reg) + "/repositories", "size", "1", "page", "2"));
        assertThat(p1.get("count").asLong()).isEqualTo(2);
        assertThat(p2.get("count").asLong()).isEqualTo(2);
        assertThat(p1.get("results").size()).isEqualTo(1);
        assertThat(p2.get("results").size()).isEqualTo(1);
        List<String> both = new ArrayList<>(names(p1, "name"));
        both.addAll(names(p2, "name"));
        assertThat(both).containsExactlyInAnyOrder("team/app", "solo");
    }

    @Test
    void getOneRepositoryRawAndEncoded() {
        HttpResponse<byte[]> raw = api().get(repositoryPath(reg, "team/app"));
        assertStatus(raw, 200);
        JsonNode r = json(raw);
        assertRepositoryShape(r);
        assertThat(r.get("name").asText()).isEqualTo("team/app");
        assertThat(r.get("artifact_count").asLong()).isEqualTo(2);
        HttpResponse<byte[]> enc = api().get(repositoryPathEncoded(reg, "team/app"));
        assertStatus(enc, 200);
        assertThat(json(enc)).isEqualTo(r);
        assertThat(json(api().get(repositoryPath(reg, "team%2fapp"))))
                .as("lower-case %%2f is the same encoding").isEqualTo(r);
    }

    @Test
    void unknownRepositoryOrRegistryIs404() {
        assertApiError(api().get(repositoryPath(reg, "team/nosuch")), 404);
        assertApiError(api().get(repositoryPathEncoded(reg, "team/nosuch")), 404);
        assertApiError(api().get(repositoryPath(reg, "team/nosuch") + "/artifacts"), 404);
        assertApiError(api().delete(repositoryPath(reg, "team/nosuch")), 404);
        assertApiError(api().get(repositoryPath("nosuch-" + Content.randomAlnum(6), "team/app")), 404);
        assertApiError(api().get(registryPath("nosuch-" + Content.randomAlnum(6)) + "/repositories"), 404);
    }

    // ------------------------------------------------------------------------------------------ artifacts

    @Test
    void listArtifactsWithSizesAndTags() {
        HttpResponse<byte[]> r = api().get(repositoryPath(reg, "team/app") + "/artifacts");
        JsonNode l = assertList(r);
        assertThat(l.get("count").asLong()).isEqualTo(2);
        l.get("results").forEach(ManagementAssertions::assertArtifactShape);
        JsonNode a = find(l, "digest", imageA.manifest().digest());
        assertThat(a.get("media_type").asText()).isEqualTo(Content.OCI_MANIFEST);
        assertThat(a.get("size").asLong()).as("size is the manifest plus every blob it references: %s", a)
                .isEqualTo(imageSize(imageA));
        assertThat(a.get("pull_count").asLong()).isZero();
        assertThat(a.get("pulled_at").isNull()).as("never pulled: %s", a).isTrue();
        assertThat(names(obj("results", a.get("tags")), "name")).containsExactlyInAnyOrder("v1", "v2");
        for (JsonNode t : a.get("tags")) {
            assertThat(t.get("pulled_at").isNull()).as("%s", t).isTrue();
        }
        JsonNode b = find(l, "digest", imageB.manifest().digest());
        assertThat(b.get("size").asLong()).isEqualTo(imageSize(imageB));
        assertThat(names(obj("results", b.get("tags")), "name")).containsExactly("b1");
        assertThat(json(api().get(repositoryPathEncoded(reg, "team/app") + "/artifacts")))
                .as("the same list with %%2F").isEqualTo(l);
    }

    @Test
    void listArtifactsFiltersByTagAndPages() {
        JsonNode t = assertList(api().get(repositoryPath(reg, "team/app") + "/artifacts", "tag", "b1"));
        assertThat(t.get("count").asLong()).isEqualTo(1);
        assertThat(names(t, "digest")).containsExactly(imageB.manifest().digest());
        JsonNode p1 = assertList(api().get(repositoryPath(reg, "team/app") + "/artifacts", "size", "1"));
        JsonNode p2 = assertList(api().get(repositoryPath(reg, "team/app") + "/artifacts", "size", "1", "page", "2"));
        assertThat(p1.get("count").asLong()).isEqualTo(2);
        assertThat(p1.get("results").size()).isEqualTo(1);
        assertThat(p2.get("results").size()).isEqualTo(1);
        assertThat(names(p1, "digest")).doesNotContainAnyElementsOf(names(p2, "digest"));
        assertApiError(api().get(repositoryPath(reg, "team/app") + "/artifacts", "size", "0"), 400);
    }

    @Test
    void listArtifactsFiltersByASubstringOfATagOrTheDigest() {
        String artifacts = repositoryPath(reg, "team/app") + "/artifacts";
        // "v" is no hex digit, so only the tag v1 can hold it
        assertThat(names(assertList(api().get(artifacts, "name", "V")), "digest")).containsExactly(imageA.manifest().digest());
        String hex = imageB.manifest().digest().substring("sha256:".length());
        JsonNode byDigest = assertList(api().get(artifacts, "name", hex.substring(10, 22).toUpperCase()));
        assertThat(byDigest.get("count").asLong()).isEqualTo(1);
        assertThat(names(byDigest, "digest")).containsExactly(imageB.manifest().digest());
        assertThat(assertList(api().get(artifacts, "name", "no-such-tag")).get("count").asLong()).isZero();
    }

    @Test
    void indexSizeIncludesItsChildren() {
        String repo = work + "/multi";
        Image amd = oci().pushImage(repo, "amd", 1);
        Image arm = oci().pushImage(repo, "arm", 2);
        Manifest index = Content.ociIndex().manifest(amd.manifest().descriptor(), "amd64")
                .manifest(arm.manifest().descriptor(), "arm64").build();
        assertStatus(oci().putManifest(repo, "all", index), 201);
        JsonNode a = api().artifact(work, "multi", index.digest());
        assertThat(a).as("index artifact listed").isNotNull();
        assertArtifactShape(a);
        assertThat(a.get("media_type").asText()).isEqualTo(Content.OCI_INDEX);
        assertThat(a.get("size").asLong()).as("index plus its children's size: %s", a)
                .isEqualTo(index.bytes().length + imageSize(amd) + imageSize(arm));
    }

    // ------------------------------------------------------------------------------------------ tags

    @Test
    void deleteTagKeepsTheArtifact() {
        String repo = "tags/" + Content.randomAlnum(6);
        Image img = oci().pushImage(work + "/" + repo, "t1", 1);
        assertStatus(oci().putManifest(img.repo(), "t2", img.manifest()), 201);
        String path = artifactPath(work, repo, img.manifest().digest()) + "/tags/t1";
        assertStatus(api().delete(path), 204);
        JsonNode a = api().artifact(work, repo, img.manifest().digest());
        assertThat(a).as("the artifact stays").isNotNull();
        assertThat(names(obj("results", a.get("tags")), "name")).containsExactly("t2");
        assertError(oci().getManifest(img.repo(), "t1"), 404, "MANIFEST_UNKNOWN");
        assertStatus(oci().getManifest(img.repo(), img.manifest().digest()), 200);
        assertStatus(oci().getManifest(img.repo(), "t2"), 200);
        assertApiError(api().delete(path), 404);
        String encoded = ManagementClient.repositoryPathEncoded(work, repo) + "/artifacts/"
                + img.manifest().digest() + "/tags/t2";
        assertStatus(api().delete(encoded), 204);
        assertThat(api().artifact(work, repo, img.manifest().digest()).get("tags").size()).isZero();
    }

    @Test
    void deleteUnknownTagOrTagOfAnotherArtifactIs404() {
        assertApiError(api().delete(artifactPath(reg, "team/app", imageA.manifest().digest()) + "/tags/nosuch"),
                404);
        assertApiError(api().delete(artifactPath(reg, "team/app", imageA.manifest().digest()) + "/tags/b1"), 404);
        assertStatus(oci().getManifest(imageB.repo(), "b1"), 200);
        assertApiError(api().delete(artifactPath(reg, "team/app", Content.unknownDigest()) + "/tags/v1"), 404);
    }

    // ------------------------------------------------------------------------------------------ artifacts delete

    @ParameterizedTest(name = "delete artifact, repository {0}")
    @ValueSource(booleans = {false, true})
    void deleteArtifactRemovesItAndItsTags(boolean encoded) {
        String repo = "del/" + Content.randomAlnum(6);
        Image img = oci().pushImage(work + "/" + repo, "t1", 1);
        Image keep = oci().pushImage(work + "/" + repo, "keep", 1);
        String path = (encoded ? repositoryPathEncoded(work, repo) : repositoryPath(work, repo)) + "/artifacts/"
                + img.manifest().digest();
        assertStatus(api().delete(path), 204);
        assertThat(api().artifact(work, repo, img.manifest().digest())).as("artifact gone").isNull();
        assertThat(api().artifact(work, repo, keep.manifest().digest())).as("other artifact stays").isNotNull();
        assertError(oci().getManifest(img.repo(), img.manifest().digest()), 404, "MANIFEST_UNKNOWN");
        assertError(oci().getManifest(img.repo(), "t1"), 404, "MANIFEST_UNKNOWN");
        assertApiError(api().delete(path), 404);
        assertThat(api().repository(work, repo).get("artifact_count").asLong()).isEqualTo(1);
    }

    @Test
    void deleteUnknownArtifactIs404() {
        assertApiError(api().delete(artifactPath(reg, "team/app", Content.unknownDigest())), 404);
        assertApiError(api().delete(artifactPath(reg, "team/nosuch", imageA.manifest().digest())), 404);
    }

    @Test
    void groupDeleteArtifacts() {
        String repo = "grp/" + Content.randomAlnum(6);
        Image one = oci().pushImage(work + "/" + repo, "one", 1);
        Image two = oci().pushImage(work + "/" + repo, "two", 1);
        Image three = oci().pushImage(work + "/" + repo, "three", 1);
        String missing = Content.unknownDigest();
        HttpResponse<byte[]> r = api().post(repositoryPath(work, repo) + "/artifacts/delete",
                obj("digests", arr(one.manifest().digest(), two.manifest().digest(), missing)));
        JsonNode g = assertGroupResult(r);
        List<String> deleted = new ArrayList<>();
        g.get("deleted").forEach(n -> deleted.add(n.asText()));
        assertThat(deleted).containsExactlyInAnyOrder(one.manifest().digest(), two.manifest().digest());
        assertThat(g.get("failed").size()).as("%s", g).isEqualTo(1);
        assertThat(g.get("failed").get(0).toString()).as("the failure names the digest").contains(missing);
        assertThat(g.get("failed").get(0).has("error")).as("failure has an error: %s", g).isTrue();
        assertThat(names(assertList(api().get(repositoryPath(work, repo) + "/artifacts")), "digest"))
                .containsExactly(three.manifest().digest());
    }

    @Test
    void groupDeleteBadBodies() {
        String path = repositoryPath(reg, "team/app") + "/artifacts/delete";
        assertApiError(api().send("POST", path, "{\"digests\": ["), 400);
        assertApiError(api().post(path, obj("digests", arr(), "force", true)), 400);
        assertApiError(api().send("POST", registryPath(reg) + "/repositories/delete", "{\"names\""), 400);
        assertApiError(api().post(registryPath(reg) + "/repositories/delete",
                obj("names", arr(), "recursive", true)), 400);
        assertThat(api().artifacts(reg, "team/app").size()).isEqualTo(2);
    }

    // ------------------------------------------------------------------------------------------ repositories delete

    @ParameterizedTest(name = "delete repository, encoded {0}")
    @ValueSource(booleans = {false, true})
    void deleteRepository(boolean encoded) {
        String repo = "gone/" + Content.randomAlnum(6) + "/deep";
        Image img = oci().pushImage(work + "/" + repo, "t", 1);
        long repoCount = api().registry(work).get("repo_count").asLong();
        String path = encoded ? repositoryPathEncoded(work, repo) : repositoryPath(work, repo);
        assertStatus(api().delete(path), 204);
        assertApiError(api().get(repositoryPath(work, repo)), 404);
        assertApiError(api().delete(path), 404);
        assertError(oci().getManifest(img.repo(), "t"), 404, "MANIFEST_UNKNOWN", "NAME_UNKNOWN");
        assertError(oci().getBlob(img.repo(), img.layers().get(0).digest()), 404, "BLOB_UNKNOWN", "NAME_UNKNOWN");
        assertThat(api().registry(work).get("repo_count").asLong()).isEqualTo(repoCount - 1);
        assertThat(names(assertList(api().get(registryPath(work) + "/repositories", "size", "1000")), "name"))
                .doesNotContain(repo);
    }

    @Test
    void groupDeleteRepositories() {
        String a = "ga/" + Content.randomAlnum(6);
        String b = "gb" + Content.randomAlnum(6);
        String missing = "nosuch/" + Content.randomAlnum(6);
        oci().pushImage(work + "/" + a, "t", 1);
        oci().pushImage(work + "/" + b, "t", 1);
        JsonNode g = assertGroupResult(api().post(registryPath(work) + "/repositories/delete",
                obj("names", arr(a, b, missing))));
        List<String> deleted = new ArrayList<>();
        g.get("deleted").forEach(n -> deleted.add(n.asText()));
        assertThat(deleted).containsExactlyInAnyOrder(a, b);
        assertThat(g.get("failed").size()).as("%s", g).isEqualTo(1);
        JsonNode f = g.get("failed").get(0);
        assertThat(f.path("name").asText()).as("failed entry {name, error}: %s", f).isEqualTo(missing);
        assertThat(f.has("error")).as("failed entry {name, error}: %s", f).isTrue();
        assertApiError(api().get(repositoryPath(work, a)), 404);
        assertApiError(api().get(repositoryPath(work, b)), 404);
    }

    // ------------------------------------------------------------------------------------------ helpers

    private static JsonNode find(JsonNode list, String name) {
        return find(list, "name", name);
    }

    private static JsonNode find(JsonNode list, String field, String value) {
        for (JsonNode n : list.get("results")) {
            if (value.equals(n.path(field).asText())) {
                return n;
            }
        }
        throw new AssertionError("no entry with " + field + "=" + value + " in " + list);
    }
}
