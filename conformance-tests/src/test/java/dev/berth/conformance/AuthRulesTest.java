package dev.berth.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.conformance.Content.Blob;
import dev.berth.conformance.RegistryClient.Image;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.function.Consumer;

import static dev.berth.conformance.ManagementClient.obj;
import static dev.berth.conformance.ManagementClient.userPath;
import static dev.berth.conformance.OciAssertions.assertBody;
import static dev.berth.conformance.OciAssertions.assertError;
import static dev.berth.conformance.OciAssertions.assertStatus;
import static dev.berth.conformance.OciAssertions.describe;
import static dev.berth.conformance.OciAssertions.requireHeader;
import static dev.berth.conformance.OciAssertions.stringList;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * management-api.md "What the OCI API enforces": anonymous access, pull/push permissions per registry,
 * {@code _catalog} filtering, immediate revocation, identical answers for unknown users, NAME_UNKNOWN for a
 * registry that does not exist, and the mount fallback.
 */
class AuthRulesTest {

    @RegisterExtension
    static final RegistryExtension registry = RegistryExtension.perClass();

    /** Public registry with {@code pubImage}; private registries A and B with one image each. */
    private static String pub;
    private static String regA;
    private static String regB;
    private static Image pubImage;
    private static Image imageA;
    private static Image imageB;

    @BeforeAll
    static void populate() {
        ManagementClient api = registry.management();
        pub = api.createRegistry(ManagementClient.uniqueName("pub"), true, null).get("name").asText();
        regA = api.newRegistry("priva");
        regB = api.newRegistry("privb");
        RegistryClient admin = registry.client();
        pubImage = admin.pushImage(pub + "/team/app", "v1", 1);
        imageA = admin.pushImage(regA + "/app", "v1", 1);
        imageB = admin.pushImage(regB + "/app", "v1", 1);
    }

    private static ManagementClient api() {
        return registry.management();
    }

    private static RegistryClient anonymous() {
        return registry.process().anonymousClient();
    }

    /** An OCI client logged in as {@code user} (an answer of POST /users or refresh-secret). */
    private static RegistryClient as(JsonNode user) {
        return registry.process().client(user.get("name").asText(), user.get("secret").asText());
    }

    private static void assertBasicChallenge(HttpResponse<byte[]> r) {
        assertStatus(r, 401);
        assertThat(requireHeader(r, "WWW-Authenticate")).as("challenge of:\n%s", describe(r))
                .matches("(?i)Basic realm=\"[^\"]+\".*");
    }

    // ------------------------------------------------------------------------------------------ anonymous

    @Test
    void baseEndpointWithoutCredentialsIs401WithBasicChallenge() {
        HttpResponse<byte[]> r = anonymous().ping();
        assertBasicChallenge(r);
        assertError(r, 401, "UNAUTHORIZED");
    }

    @Test
    void anonymousPullFromPublicRegistryWorks() {
        HttpResponse<byte[]> m = anonymous().getManifest(pubImage.repo(), "v1");
        assertStatus(m, 200);
        assertBody(m, pubImage.manifest().bytes());
        HttpResponse<byte[]> b = anonymous().getBlob(pubImage.repo(), pubImage.layers().get(0).digest());
        assertStatus(b, 200);
        assertBody(b, pubImage.layers().get(0).bytes());
        assertStatus(anonymous().tagsList(pubImage.repo()), 200);
    }

    @Test
    void emptyBasicCredentialsAsPodmanSendsThemPullAnonymously() {
        RegistryClient empty = new RegistryClient(registry.process().baseUri(), "Basic Og==");
        HttpResponse<byte[]> m = empty.getManifest(pubImage.repo(), "v1");
        assertStatus(m, 200);
        assertBody(m, pubImage.manifest().bytes());
        assertBasicChallenge(empty.getManifest(imageA.repo(), "v1"));
    }

    @Test
    void anonymousPullFromPrivateRegistryIs401WithChallenge() {
        assertBasicChallenge(anonymous().getManifest(imageA.repo(), "v1"));
        assertBasicChallenge(anonymous().getBlob(imageA.repo(), imageA.layers().get(0).digest()));
        assertBasicChallenge(anonymous().tagsList(imageA.repo()));
        assertBasicChallenge(anonymous().getManifest("library/nothing-here", "v1"));
    }

    @Test
    void anonymousPushOrDeleteOnPublicRegistryIs401WithChallenge() {
        assertBasicChallenge(anonymous().startUpload(pub + "/team/app"));
        Blob blob = Content.randomBlob(100);
        assertBasicChallenge(anonymous().postMonolithic(pub + "/team/app", blob.bytes(), blob.digest()));
        assertBasicChallenge(anonymous().putManifest(pubImage.repo(), "v2", pubImage.manifest()));
        assertBasicChallenge(anonymous().deleteManifest(pubImage.repo(), pubImage.manifest().digest()));
        assertStatus(registry.client().headBlob(pub + "/team/app", blob.digest()), 404);
    }

    @Test
    void publicRegistryBecomingPrivateStopsAnonymousPulls() {
        String reg = api().createRegistry(ManagementClient.uniqueName("flip"), true, null).get("name").asText();
        Image img = registry.client().pushImage(reg + "/x", "v1", 1);
        assertStatus(anonymous().getManifest(img.repo(), "v1"), 200);
        assertStatus(api().patch(ManagementClient.registryPath(reg), obj("public", false)), 200);
        assertBasicChallenge(anonymous().getManifest(img.repo(), "v1"));
    }

    // ------------------------------------------------------------------------------------------ permissions

    @Test
    void pullUserCanPullButNotPushOrDelete() {
        JsonNode user = api().newUser("puller", regA, "pull");
        RegistryClient c = as(user);
        assertStatus(c.ping(), 200);
        HttpResponse<byte[]> m = c.getManifest(imageA.repo(), "v1");
        assertStatus(m, 200);
        assertBody(m, imageA.manifest().bytes());
        assertStatus(c.getBlob(imageA.repo(), imageA.config().digest()), 200);

        assertError(c.startUpload(imageA.repo()), 403, "DENIED");
        Blob blob = Content.randomBlob(128);
        assertError(c.postMonolithic(imageA.repo(), blob.bytes(), blob.digest()), 403, "DENIED");
        assertError(c.putManifest(imageA.repo(), "v2", imageA.manifest()), 403, "DENIED");
        assertError(c.deleteManifest(imageA.repo(), imageA.manifest().digest()), 403, "DENIED");
        assertError(c.deleteBlob(imageA.repo(), imageA.config().digest()), 403, "DENIED", "UNSUPPORTED");
        assertStatus(registry.client().headBlob(imageA.repo(), blob.digest()), 404);
        assertStatus(registry.client().getManifest(imageA.repo(), imageA.manifest().digest()), 200);
    }

    @Test
    void pushUserCanPushPullAndDelete() {
        JsonNode user = api().newUser("pusher", regA, "push");
        RegistryClient c = as(user);
        Image img = c.pushImage(regA + "/pushed/" + Content.randomAlnum(6), "v1", 2);
        HttpResponse<byte[]> m = c.getManifest(img.repo(), "v1");
        assertStatus(m, 200);
        assertBody(m, img.manifest().bytes());
        assertStatus(c.getManifest(imageA.repo(), "v1"), 200);
        assertStatus(c.deleteManifest(img.repo(), img.manifest().digest()), 202);
        assertStatus(registry.client().getManifest(img.repo(), img.manifest().digest()), 404);
    }

    @Test
    void permissionOnOneRegistryGivesNothingOnAnother() {
        JsonNode user = api().newUser("onlya", regA, "push");
        RegistryClient c = as(user);
        assertError(c.getManifest(imageB.repo(), "v1"), 403, "DENIED");
        assertError(c.getBlob(imageB.repo(), imageB.config().digest()), 403, "DENIED");
        assertError(c.startUpload(imageB.repo()), 403, "DENIED");
        assertError(c.putManifest(imageB.repo(), "v2", imageB.manifest()), 403, "DENIED");
        assertError(c.deleteManifest(imageB.repo(), imageB.manifest().digest()), 403, "DENIED");
        assertError(c.getManifest("library/anything", "v1"), 403, "DENIED");
        assertStatus(c.getManifest(imageA.repo(), "v1"), 200);
    }

    @Test
    void userWithoutPermissionCanPullFromPublicRegistryButNotPush() {
        JsonNode user = api().newUser("pubpull", regA, "pull");
        RegistryClient c = as(user);
        assertStatus(c.getManifest(pubImage.repo(), "v1"), 200);
        assertError(c.startUpload(pubImage.repo()), 403, "DENIED");
    }

    @Test
    void permissionChangesTakeEffectAtOnce() {
        JsonNode user = api().newUser("changing", regA, "pull");
        String id = user.get("id").asText();
        RegistryClient c = as(user);
        assertError(c.startUpload(imageA.repo()), 403, "DENIED");
        assertStatus(api().put(userPath(id) + "/permissions",
                obj("permissions", ManagementClient.permissions(regA, "push"))), 200);
        assertStatus(c.startUpload(imageA.repo()), 202);
        assertStatus(api().delete(ManagementClient.registryPath(regA) + "/users/" + id), 200, 204);
        assertError(c.getManifest(imageA.repo(), "v1"), 403, "DENIED");
    }

    // ------------------------------------------------------------------------------------------ catalog

    @Test
    void catalogListsOnlyWhatTheCallerMayPull() {
        List<String> all = stringList(ok(registry.client().catalog("n", "10000")), "repositories");
        assertThat(all).as("admin sees everything").contains(pubImage.repo(), imageA.repo(), imageB.repo());

        List<String> anon = stringList(ok(anonymous().catalog("n", "10000")), "repositories");
        assertThat(anon).as("anonymous sees the public registries' repositories only").contains(pubImage.repo())
                .doesNotContain(imageA.repo(), imageB.repo());
        assertThat(anon).allSatisfy(r -> assertThat(r).doesNotStartWith(regA + "/").doesNotStartWith("library/"));

        JsonNode user = api().newUser("cat", regA, "pull");
        List<String> mine = stringList(ok(as(user).catalog("n", "10000")), "repositories");
        assertThat(mine).contains(imageA.repo(), pubImage.repo()).doesNotContain(imageB.repo());
        assertThat(mine).allSatisfy(r -> assertThat(r).doesNotStartWith(regB + "/"));
    }

    @Test
    void filteredCatalogPaginatesOverWhatTheCallerMayPull() {
        // more private repositories than public ones, so that filtering after paging would show
        String open = api().createRegistry(ManagementClient.uniqueName("pgpub"), true, null).get("name").asText();
        String closed = api().newRegistry("pgpriv");
        List<String> expected = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            expected.add(registry.client().pushImage(open + "/r" + i, "v1", 0).repo());
        }
        for (int i = 0; i < 6; i++) {
            registry.client().pushImage(closed + "/r" + i, "v1", 0);
        }
        List<String> all = stringList(ok(anonymous().catalog("n", "10000")), "repositories");
        List<String> seen = new java.util.ArrayList<>();
        String next = "/v2/_catalog?n=1";
        for (int guard = 0; next != null && guard < 200; guard++) {
            HttpResponse<byte[]> r = ok(anonymous().get(next));
            List<String> page = stringList(r, "repositories");
            assertThat(page.size()).as("n=1 gives at most one entry:\n%s", describe(r)).isLessThanOrEqualTo(1);
            seen.addAll(page);
            next = OciAssertions.nextLink(r).orElse(null);
        }
        assertThat(seen).as("walking n=1 pages anonymously gives the same as one big page").isEqualTo(all);
        assertThat(seen).containsAll(expected).noneMatch(r -> r.startsWith(closed + "/"));
    }

    @Test
    void uploadSessionOfAnotherCallerNeedsPushToo() {
        JsonNode puller = api().newUser("sesspull", regA, "pull");
        JsonNode pusherB = api().newUser("sesspushb", regB, "push");
        HttpResponse<byte[]> post = registry.client().startUpload(regA + "/sess");
        assertStatus(post, 202);
        String location = requireHeader(post, "Location");
        Blob blob = Content.randomBlob(256);
        for (RegistryClient c : List.of(as(puller), as(pusherB))) {
            assertError(c.patchChunk(location, blob.bytes(), 0), 403, "DENIED", "BLOB_UPLOAD_UNKNOWN");
            assertError(c.putUpload(location, blob.digest(), blob.bytes()), 403, "DENIED", "BLOB_UPLOAD_UNKNOWN");
        }
        assertBasicChallenge(anonymous().putUpload(location, blob.digest(), blob.bytes()));
        assertStatus(registry.client().headBlob(regA + "/sess", blob.digest()), 404);
    }

    @Test
    void referrersAndTagsNeedPullOnTheRegistry() {
        JsonNode user = api().newUser("refs", regA, "pull");
        RegistryClient c = as(user);
        assertError(c.referrers(imageB.repo(), imageB.manifest().digest(), null), 403, "DENIED");
        assertError(c.tagsList(imageB.repo()), 403, "DENIED");
        assertStatus(c.tagsList(imageA.repo()), 200);
    }

    // ------------------------------------------------------------------------------------------ revocation

    @Test
    void disabledUserIsRefusedFromTheNextRequestAndEnabledAgain() {
        assertRevocation(id -> assertStatus(api().post(userPath(id) + "/disable", null), 200),
                id -> assertStatus(api().post(userPath(id) + "/enable", null), 200));
    }

    @Test
    void deletedUserIsRefusedFromTheNextRequest() {
        assertRevocation(id -> assertStatus(api().delete(userPath(id)), 204), null);
    }

    @Test
    void expiredUserIsRefusedAndRenewalRestoresAccess() {
        assertRevocation(id -> assertStatus(api().patch(userPath(id), obj("expires_at", "2020-01-01T00:00:00Z")), 200),
                id -> assertStatus(api().patch(userPath(id), obj("duration_days", 3)), 200));
    }

    @Test
    void refreshedSecretRefusesTheOldAndAcceptsTheNew() {
        JsonNode user = api().newUser("refresh", regA, "pull");
        RegistryClient old = as(user);
        assertStatus(old.getManifest(imageA.repo(), "v1"), 200);
        assertStatus(old.getManifest(imageA.repo(), "v1"), 200);
        HttpResponse<byte[]> r = api().post(userPath(user.get("id").asText()) + "/refresh-secret", null);
        assertStatus(r, 200);
        JsonNode refreshed = OciAssertions.json(r);
        assertBasicChallenge(old.getManifest(imageA.repo(), "v1"));
        assertBasicChallenge(old.ping());
        RegistryClient fresh = registry.process().client(user.get("name").asText(),
                refreshed.get("secret").asText());
        assertStatus(fresh.getManifest(imageA.repo(), "v1"), 200);
    }

    /**
     * A user that has just been let in (twice, so any cache is warm) is refused (401) by the very next request
     * after {@code revoke}; after {@code restore} (if any) it is let in again.
     */
    private void assertRevocation(Consumer<String> revoke, Consumer<String> restore) {
        JsonNode user = api().newUser("revoke", regA, "pull");
        String id = user.get("id").asText();
        RegistryClient c = as(user);
        assertStatus(c.ping(), 200);
        assertStatus(c.getManifest(imageA.repo(), "v1"), 200);
        assertStatus(c.getManifest(imageA.repo(), "v1"), 200);
        revoke.accept(id);
        assertBasicChallenge(c.getManifest(imageA.repo(), "v1"));
        assertBasicChallenge(c.ping());
        if (restore != null) {
            restore.accept(id);
            assertStatus(c.getManifest(imageA.repo(), "v1"), 200);
        }
    }

    // ------------------------------------------------------------------------------------------ bad credentials

    @Test
    void wrongPasswordAndUnknownUserGetIdenticalAnswers() {
        JsonNode user = api().newUser("known", regA, "pull");
        HttpResponse<byte[]> wrong = registry.process().client(user.get("name").asText(), "x".repeat(40))
                .getManifest(imageA.repo(), "v1");
        HttpResponse<byte[]> unknown = registry.process().client("nobody-" + Content.randomAlnum(6), "x".repeat(40))
                .getManifest(imageA.repo(), "v1");
        assertBasicChallenge(wrong);
        assertBasicChallenge(unknown);
        assertThat(new String(wrong.body())).as("bodies for wrong password and unknown user")
                .isEqualTo(new String(unknown.body()));
        assertThat(wrong.headers().firstValue("WWW-Authenticate"))
                .isEqualTo(unknown.headers().firstValue("WWW-Authenticate"));

        HttpResponse<byte[]> wrongPing = registry.process().client(user.get("name").asText(), "y".repeat(40)).ping();
        HttpResponse<byte[]> unknownPing = registry.process().client("nobody-" + Content.randomAlnum(6), "y")
                .ping();
        assertBasicChallenge(wrongPing);
        assertThat(unknownPing.statusCode()).isEqualTo(401);
        assertThat(new String(wrongPing.body())).isEqualTo(new String(unknownPing.body()));
    }

    @Test
    void wrongAdminTokenIsRefused() {
        assertBasicChallenge(registry.process().client("admin", "not-the-token").getManifest(imageA.repo(), "v1"));
    }

    // ------------------------------------------------------------------------------------------ registries

    @Test
    void pushIntoRegistryThatDoesNotExistIsNameUnknown() {
        String repo = "nosuchreg-" + Content.randomAlnum(8) + "/app";
        assertError(registry.client().startUpload(repo), 404, "NAME_UNKNOWN");
        Blob blob = Content.randomBlob(64);
        assertError(registry.client().postMonolithic(repo, blob.bytes(), blob.digest()), 404, "NAME_UNKNOWN");
        assertError(registry.client().putManifest(repo, "v1", imageA.manifest()), 404, "NAME_UNKNOWN");
    }

    // ------------------------------------------------------------------------------------------ mount

    @Test
    void mountFromRepositoryTheUserCannotPullFallsBackToUploadSession() {
        JsonNode user = api().newUser("mounter", regA, "push");
        RegistryClient c = as(user);
        String target = regA + "/mounted/" + Content.randomAlnum(6);
        Blob secretLayer = imageB.layers().get(0);
        HttpResponse<byte[]> r = c.mount(target, secretLayer.digest(), imageB.repo());
        assertStatus(r, 202);
        String location = requireHeader(r, "Location");
        assertThat(location).as("a fallback session, not the blob").contains("/blobs/uploads/");
        assertStatus(registry.client().headBlob(target, secretLayer.digest()), 404);
        assertStatus(c.headBlob(target, secretLayer.digest()), 404);

        // control: from a repository it can pull, the same user mounts
        Blob own = imageA.layers().get(0);
        HttpResponse<byte[]> ok = c.mount(target, own.digest(), imageA.repo());
        assertStatus(ok, 201);
        assertStatus(c.headBlob(target, own.digest()), 200);
    }

    private static HttpResponse<byte[]> ok(HttpResponse<byte[]> r) {
        assertStatus(r, 200);
        return r;
    }
}
