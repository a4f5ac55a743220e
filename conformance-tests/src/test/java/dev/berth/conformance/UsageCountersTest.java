package dev.berth.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.conformance.RegistryClient.Image;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static dev.berth.conformance.Eventually.await;
import static dev.berth.conformance.ManagementAssertions.assertEventShape;
import static dev.berth.conformance.ManagementAssertions.assertList;
import static dev.berth.conformance.ManagementAssertions.assertTimestamp;
import static dev.berth.conformance.ManagementClient.artifactPath;
import static dev.berth.conformance.ManagementClient.registryPath;
import static dev.berth.conformance.ManagementClient.repositoryPath;
import static dev.berth.conformance.OciAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * management-api.md counters and history: {@code pull_count} (manifest GETs, not HEADs), {@code pulled_at} of
 * artifacts and tags, the repository's {@code pull_count} (including deleted artifacts), {@code repo_count}, the
 * registry history (newest first, {@code action} filter), all visible within 5 s and kept over a clean restart;
 * and the registry's daily usage series.
 */
class UsageCountersTest {

    @RegisterExtension
    static final RegistryExtension registry = RegistryExtension.perClass();

    private static ManagementClient api() {
        return registry.management();
    }

    private static RegistryClient oci() {
        return registry.client();
    }

    private static long pullCount(String reg, String repo, String digest) {
        JsonNode a = api().artifact(reg, repo, digest);
        return a == null ? -1 : a.get("pull_count").asLong();
    }

    private static List<JsonNode> events(String reg, String... query) {
        List<JsonNode> out = new ArrayList<>();
        api().history(reg, query).get("results").forEach(out::add);
        return out;
    }

    private static long count(List<JsonNode> events, String action) {
        return events.stream().filter(e -> action.equals(e.path("action").asText())).count();
    }

    // ------------------------------------------------------------------------------------------ pulls

    @Test
    void threeGetsAndOneHeadByTag() {
        String reg = api().newRegistry("cnt");
        Image image = oci().pushImage(reg + "/team/app", "v1", 1);
        String digest = image.manifest().digest();
        for (int i = 0; i < 3; i++) {
            assertStatus(oci().getManifest(image.repo(), "v1"), 200);
        }
        assertStatus(oci().headManifest(image.repo(), "v1"), 200);

        JsonNode artifact = await("artifact pull_count 3 with pulled_at",
                () -> api().artifact(reg, "team/app", digest),
                a -> a.get("pull_count").asLong() >= 3 && !a.get("pulled_at").isNull()
                        && !a.get("tags").get(0).get("pulled_at").isNull());
        ManagementAssertions.assertArtifactShape(artifact);
        Instant pulledAt = assertTimestamp(artifact, "pulled_at");
        assertThat(pulledAt).isAfterOrEqualTo(assertTimestamp(artifact, "pushed_at"));
        JsonNode tag = artifact.get("tags").get(0);
        assertThat(tag.get("name").asText()).isEqualTo("v1");
        assertTimestamp(tag, "pulled_at");

        JsonNode repo = await("repository pull_count 3", () -> api().repository(reg, "team/app"),
                r -> r.get("pull_count").asLong() >= 3);
        assertThat(repo.get("pull_count").asLong()).isEqualTo(3);

        List<JsonNode> history = await("3 pull events and 1 push event", () -> events(reg),
                h -> count(h, "pull") >= 3 && count(h, "push") >= 1);
        history.forEach(ManagementAssertions::assertEventShape);
        assertThat(count(history, "pull")).as("a pull event per manifest GET, none per HEAD: %s", history)
                .isEqualTo(3);
        assertThat(count(history, "push")).as("one push event per manifest pushed: %s", history).isEqualTo(1);
        assertNewestFirst(history);
        assertThat(history.get(history.size() - 1).get("action").asText()).as("the push is the oldest event")
                .isEqualTo("push");
        JsonNode push = history.get(history.size() - 1);
        assertThat(push.get("repository").asText()).isEqualTo("team/app");
        assertThat(push.get("reference").asText()).isEqualTo("v1");
        assertThat(push.get("digest").asText()).isEqualTo(digest);
        assertThat(push.get("bytes").isIntegralNumber() && push.get("bytes").asLong() > 0).as("%s", push).isTrue();
        assertThat(push.get("actor").asText()).isEqualTo("admin");
        JsonNode pull = history.get(0);
        assertThat(pull.get("action").asText()).isEqualTo("pull");
        assertThat(pull.get("repository").asText()).isEqualTo("team/app");
        assertThat(pull.get("reference").asText()).isEqualTo("v1");
        assertThat(pull.get("digest").asText()).isEqualTo(digest);
        assertThat(pull.get("actor").asText()).isEqualTo("admin");

        JsonNode pulls = assertList(api().get(registryPath(reg) + "/history", "action", "pull"));
        assertThat(pulls.get("count").asLong()).isEqualTo(3);
        pulls.get("results").forEach(e -> assertThat(e.get("action").asText()).isEqualTo("pull"));
        JsonNode page = assertList(api().get(registryPath(reg) + "/history", "size", "1", "page", "2"));
        assertThat(page.get("count").asLong()).as("count is the total over pages").isEqualTo(4);
        assertThat(page.get("results").size()).isEqualTo(1);
        assertThat(page.get("results").get(0)).isEqualTo(history.get(1));

        assertThat(pullCount(reg, "team/app", digest)).as("the HEAD was not counted").isEqualTo(3);
    }

    @Test
    void pullsByDigestAndByUsersCountWithTheUserAsActor() {
        String reg = api().newRegistry("dig");
        Image image = oci().pushImage(reg + "/app", "v1", 1);
        String digest = image.manifest().digest();
        JsonNode user = api().newUser("reader", reg, "pull");
        RegistryClient asUser = registry.process().client(user.get("name").asText(), user.get("secret").asText());
        assertStatus(oci().getManifest(image.repo(), digest), 200);
        assertStatus(asUser.getManifest(image.repo(), digest), 200);
        assertStatus(asUser.headManifest(image.repo(), digest), 200);
        assertStatus(asUser.headManifest(image.repo(), "v1"), 200);

        await("pull_count 2", () -> pullCount(reg, "app", digest), n -> n >= 2);
        List<JsonNode> pulls = await("2 pull events", () -> events(reg, "action", "pull"), h -> h.size() >= 2);
        assertThat(pulls).hasSize(2);
        assertThat(pulls.get(0).get("actor").asText()).isEqualTo(user.get("name").asText());
        assertThat(pulls.get(0).get("reference").asText()).isEqualTo(digest);
        assertThat(pulls.get(1).get("actor").asText()).isEqualTo("admin");
        assertThat(pullCount(reg, "app", digest)).isEqualTo(2);
    }

    @Test
    void repositoryPullCountKeepsDeletedArtifactsAndDeletesAreHistory() {
        String reg = api().newRegistry("keep");
        Image a = oci().pushImage(reg + "/app", "a", 1);
        Image b = oci().pushImage(reg + "/app", "b", 1);
        assertStatus(oci().getManifest(a.repo(), "a"), 200);
        assertStatus(oci().getManifest(a.repo(), "a"), 200);
        assertStatus(oci().getManifest(b.repo(), "b"), 200);
        await("repository pull_count 3", () -> api().repository(reg, "app").get("pull_count").asLong(),
                n -> n >= 3);

        assertStatus(api().delete(artifactPath(reg, "app", a.manifest().digest())), 204);
        assertStatus(api().delete(artifactPath(reg, "app", b.manifest().digest()) + "/tags/b"), 204);
        JsonNode repo = api().repository(reg, "app");
        assertThat(repo.get("pull_count").asLong()).as("the sum includes deleted artifacts: %s", repo).isEqualTo(3);
        assertThat(repo.get("artifact_count").asLong()).isEqualTo(1);

        String da = a.manifest().digest();
        List<JsonNode> deletes = await("delete events for artifact a and tag b", () -> events(reg, "action", "delete"),
                h -> h.stream().anyMatch(e -> da.equals(e.path("digest").asText()) || da.equals(
                        e.path("reference").asText()))
                        && h.stream().anyMatch(e -> "b".equals(e.path("reference").asText())));
        deletes.forEach(ManagementAssertions::assertEventShape);
        assertThat(deletes).allSatisfy(e -> assertThat(e.get("repository").asText()).isEqualTo("app"));
        int before = deletes.size();

        assertStatus(api().delete(repositoryPath(reg, "app")), 204);
        await("a delete event for the repository", () -> events(reg, "action", "delete"), h -> h.size() > before);
    }

    @Test
    void concurrentAndAnonymousPullsAreAllCounted() throws Exception {
        String reg = api().createRegistry(ManagementClient.uniqueName("par"), true, null).get("name").asText();
        Image image = oci().pushImage(reg + "/app", "v1", 1);
        String digest = image.manifest().digest();
        int n = 20;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<Integer>> fs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                RegistryClient c = i % 2 == 0 ? oci() : registry.process().anonymousClient();
                fs.add(pool.submit(() -> c.getManifest(image.repo(), "v1").statusCode()));
            }
            for (java.util.concurrent.Future<Integer> f : fs) {
                assertThat(f.get(60, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
        }
        await("pull_count " + n, () -> pullCount(reg, "app", digest), c -> c >= n);
        assertThat(pullCount(reg, "app", digest)).isEqualTo(n);
        List<JsonNode> pulls = await(n + " pull events", () -> events(reg, "action", "pull", "size", "1000"),
                h -> h.size() >= n);
        assertThat(pulls).hasSize(n);
        assertThat(api().repository(reg, "app").get("pull_count").asLong()).isEqualTo(n);
    }

    @Test
    void repoCountFollowsRepositories() {
        String reg = api().newRegistry("rc");
        assertThat(api().registry(reg).get("repo_count").asLong()).isZero();
        oci().pushImage(reg + "/one", "v1", 1);
        oci().pushImage(reg + "/two/deep", "v1", 1);
        oci().pushImage(reg + "/one", "v2", 1);
        assertThat(api().registry(reg).get("repo_count").asLong()).isEqualTo(2);
        assertStatus(api().delete(repositoryPath(reg, "two/deep")), 204);
        assertThat(api().registry(reg).get("repo_count").asLong()).isEqualTo(1);
    }

    // ------------------------------------------------------------------------------------------ daily usage

    @Test
    void todaysUsagePointCountsThePushThePullAndTheUploadedBytes() {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        String reg = api().newRegistry("daily");
        Image image = oci().pushImage(reg + "/app", "v1", 2);
        assertStatus(oci().getManifest(image.repo(), "v1"), 200);
        assertStatus(oci().headManifest(image.repo(), "v1"), 200);
        long uploaded = image.blobs().stream().mapToLong(Content.Blob::size).sum() + image.manifest().bytes().length;
        long used = api().storageUsed(reg);
        assertThat(used).as("distinct random blobs: the registry holds what was uploaded").isEqualTo(uploaded);

        String[] span = {"from", today.minusDays(1).toString(), "to", today.toString(), "step", "day"};
        JsonNode series = await("today's point with 1 push, 1 pull and " + uploaded + " bytes pushed",
                () -> api().usage(reg, span), s -> {
                    JsonNode point = s.path("results").path(1);
                    return point.path("pushes").asLong() >= 1 && point.path("pulls").asLong() >= 1
                            && point.path("bytes_pushed").asLong() >= uploaded;
                });
        assumeTrue(LocalDate.now(ZoneOffset.UTC).equals(today), "ran across midnight UTC");

        assertThat(series.get("step").asText()).isEqualTo("day");
        assertThat(series.get("results").size()).as("%s", series).isEqualTo(2);
        JsonNode yesterday = series.get("results").get(0);
        JsonNode point = series.get("results").get(1);
        assertThat(yesterday.get("time").asText()).isEqualTo(today.minusDays(1) + "T00:00:00Z");
        assertThat(point.get("time").asText()).isEqualTo(today + "T00:00:00Z");
        assertThat(point.get("pushes").asLong()).as("%s", point).isEqualTo(1);
        assertThat(point.get("pulls").asLong()).as("a GET, not the HEAD: %s", point).isEqualTo(1);
        assertThat(point.get("bytes_pushed").asLong()).as("%s", point).isEqualTo(uploaded);
        assertThat(point.get("storage_used_bytes").asLong()).as("%s", point).isEqualTo(used);
        for (String field : List.of("storage_used_bytes", "pushes", "pulls", "bytes_pushed")) {
            assertThat(yesterday.get(field).asLong()).as("the registry was created today: %s", yesterday).isZero();
        }

        JsonNode defaults = api().usage(reg);
        assertThat(defaults.get("results").size()).isEqualTo(30);
        assertThat(defaults.get("results").get(29)).isEqualTo(point);
        assertStatus(api().get(registryPath(reg) + "/usage", "step", "week"), 400);
        assertStatus(api().get(registryPath("no-such-registry") + "/usage"), 404);
    }

    // ------------------------------------------------------------------------------------------ restart

    @Test
    void countersSurviveACleanRestart() {
        String reg = api().newRegistry("restart");
        Image image = oci().pushImage(reg + "/app", "v1", 1);
        String digest = image.manifest().digest();
        for (int i = 0; i < 3; i++) {
            assertStatus(oci().getManifest(image.repo(), "v1"), 200);
        }
        // SIGTERM at once, without waiting for the batched counters: a clean shutdown loses none of them
        registry.restart();

        JsonNode artifact = await("pull_count 3 after restart", () -> api().artifact(reg, "app", digest),
                x -> x != null && x.get("pull_count").asLong() >= 3);
        assertThat(artifact.get("pull_count").asLong()).isEqualTo(3);
        assertTimestamp(artifact, "pulled_at");
        assertTimestamp(artifact.get("tags").get(0), "pulled_at");
        assertThat(api().repository(reg, "app").get("pull_count").asLong()).isEqualTo(3);
        List<JsonNode> history = events(reg);
        assertThat(count(history, "pull")).as("history after restart: %s", history).isEqualTo(3);
        assertThat(count(history, "push")).isEqualTo(1);

        // and counting goes on after the restart
        assertStatus(oci().getManifest(image.repo(), "v1"), 200);
        await("pull_count 4", () -> pullCount(reg, "app", digest), n -> n >= 4);
    }

    private static void assertNewestFirst(List<JsonNode> history) {
        for (int i = 1; i < history.size(); i++) {
            Instant newer = Instant.parse(history.get(i - 1).get("time").asText());
            Instant older = Instant.parse(history.get(i).get("time").asText());
            assertThat(newer).as("history newest first: %s", history).isAfterOrEqualTo(older);
        }
        history.forEach(e -> assertEventShape(e));
    }
}
