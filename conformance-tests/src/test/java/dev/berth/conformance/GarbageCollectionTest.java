package dev.berth.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.conformance.Content.Blob;
import dev.berth.conformance.Content.Manifest;
import dev.berth.conformance.RegistryClient.Image;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.berth.conformance.Eventually.await;
import static dev.berth.conformance.ManagementAssertions.assertApiError;
import static dev.berth.conformance.ManagementAssertions.assertGcRunShape;
import static dev.berth.conformance.ManagementAssertions.assertGroupResult;
import static dev.berth.conformance.ManagementAssertions.assertList;
import static dev.berth.conformance.ManagementAssertions.names;
import static dev.berth.conformance.ManagementClient.arr;
import static dev.berth.conformance.ManagementClient.gcRunPath;
import static dev.berth.conformance.ManagementClient.obj;
import static dev.berth.conformance.ManagementClient.registryPath;
import static dev.berth.conformance.ManagementClient.repositoryPath;
import static dev.berth.conformance.OciAssertions.assertBody;
import static dev.berth.conformance.OciAssertions.assertError;
import static dev.berth.conformance.OciAssertions.assertPullsWhole;
import static dev.berth.conformance.OciAssertions.assertStatus;
import static dev.berth.conformance.OciAssertions.json;
import static dev.berth.conformance.OciAssertions.requireHeader;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Garbage collection against the real server ({@code management-api.md}, "Garbage collection"): what a run removes
 * from disk and what it reports, dry runs, untagged runs, the run API's refusals, the {@code berth_gc_*} metrics,
 * and that deleting everything and collecting once leaves the data directory as a fresh server's.
 *
 * <p>One server for the class, with {@code --gc-grace 0s} (a blob is garbage as soon as its last link goes), no
 * scheduled runs, and {@code --upload-expiry 3s}, so that an upload abandoned in a test expires within it. Each test
 * starts with a collection that frees what the tests before it left, so that a run's counts are the test's own;
 * the tests that push untagged manifests delete them. What a run removed is read from the data directory
 * ({@code blobs/sha256/<2>/<64>}) before and after it.
 */
class GarbageCollectionTest {
    @RegisterExtension
    static final RegistryExtension registry = RegistryExtension.perClass(
            "--gc-grace", "0s", "--gc-interval", "0", "--upload-expiry", "3s");

    /** The files of the data directory, database apart, as the server left them when it first started. */
    private static Map<String, Long> fresh;

    @BeforeAll
    static void recordTheFreshDataDirectory() {
        fresh = DataFiles.outsideDatabase(registry.process().dataDir());
    }

    @BeforeEach
    void collectWhatEarlierTestsLeft() {
        JsonNode run = registry.management().collect(false, false);
        assertThat(metric(scrape(registry.process().anonymousClient()), "berth_gc_candidates"))
                .as("candidates after %s", run).isZero();
    }

    @Test
    void aRunRemovesTheFilesOfADeletedRepositoryAndKeepsALayerAnImageStillUses() {
        RegistryClient client = registry.client();
        Path data = registry.process().dataDir();
        Blob shared = Content.randomBlob(700);
        Image kept = client.pushImage(RegistryClient.newImage(Content.randomRepo("gc-kept"), shared,
                Content.randomBlob(300)), "v1");
        Image gone = client.pushImage(RegistryClient.newImage(Content.randomRepo("gc-gone"), shared,
                Content.randomBlob(500)), "v1");
        Map<String, Long> before = DataFiles.blobs(data);
        assertThat(before).containsKeys(digests(kept)).containsKeys(digests(gone));

        assertStatus(registry.management().delete(repositoryPath("library", repositoryPart(gone.repo()))), 204);
        assertThat(DataFiles.blobs(data)).as("a delete only unlinks").isEqualTo(before);
        JsonNode run = registry.management().collect(false, false);

        Map<String, Long> after = DataFiles.blobs(data);
        Map<String, Long> removed = removed(before, after);
        assertThat(removed).containsOnlyKeys(gone.config().digest(), gone.layers().get(1).digest(),
                gone.manifest().digest());
        assertThat(run.get("blobs_deleted").asLong()).as("run %s", run).isEqualTo(removed.size());
        assertThat(run.get("bytes_freed").asLong()).as("run %s", run).isEqualTo(total(removed));
        assertThat(after).containsKeys(digests(kept));
        assertPullsWhole(client, kept, "v1");
        assertError(client.getManifest(gone.repo(), "v1"), 404, "MANIFEST_UNKNOWN", "NAME_UNKNOWN");
        assertError(client.getBlob(gone.repo(), shared.digest()), 404, "BLOB_UNKNOWN", "NAME_UNKNOWN");
    }

    @Test
    void aDryRunCountsWhatARunFreesAndRemovesNothing() {
        RegistryClient client = registry.client();
        ManagementClient api = registry.management();
        Path data = registry.process().dataDir();
        Image image = client.pushImage(Content.randomRepo("gc-dry"), "v1", 2);
        assertStatus(client.deleteManifest(image.repo(), image.manifest().digest()), 202);
        Map<String, Long> before = DataFiles.blobs(data);
        Map<String, Long> garbage = new TreeMap<>(before);
        garbage.keySet().retainAll(Arrays.asList(digests(image)));
        assertThat(garbage).hasSize(4);

        JsonNode dry = api.collect(true, false);

        assertGcRunShape(dry);
        assertThat(dry.get("dry_run").asBoolean()).isTrue();
        assertThat(dry.get("untagged").asBoolean()).isFalse();
        assertThat(dry.get("blobs_deleted").asLong()).as("run %s", dry).isEqualTo(garbage.size());
        assertThat(dry.get("bytes_freed").asLong()).as("run %s", dry).isEqualTo(total(garbage));
        assertThat(dry.get("manifests_deleted").asLong()).isZero();
        assertThat(DataFiles.blobs(data)).as("what a dry run leaves").isEqualTo(before);
        assertThat(metric(scrape(registry.process().anonymousClient()), "berth_gc_candidates"))
                .as("candidates after a dry run").isEqualTo(garbage.size());

        JsonNode run = api.collect(false, false);

        assertGcRunShape(run);
        assertThat(run.get("dry_run").asBoolean()).isFalse();
        assertThat(run.get("blobs_deleted").asLong()).as("run %s", run).isEqualTo(garbage.size());
        assertThat(run.get("bytes_freed").asLong()).as("run %s", run).isEqualTo(total(garbage));
        assertThat(removed(before, DataFiles.blobs(data))).isEqualTo(garbage);
        JsonNode runs = assertList(api.get("/gc", "size", "2"));
        assertThat(names(runs, "id")).as("newest first")
                .containsExactly(run.get("id").asText(), dry.get("id").asText());
        assertThat(runs.get("count").asLong()).as("every run of the class so far").isGreaterThanOrEqualTo(3);
        assertThat(api.gcRun(dry.get("id").asText())).isEqualTo(dry);
    }

    @Test
    void anUntaggedRunDeletesUntaggedManifestsButKeepsAnIndexsChildrenAndTheReferrersOfATaggedOne() {
        RegistryClient client = registry.client();
        ManagementClient api = registry.management();
        Path data = registry.process().dataDir();
        String repo = Content.randomRepo("gc-untagged");
        Image tagged = client.pushImage(repo, "v1", 1);
        Image signature = pushByDigest(client, referrer(repo, tagged.manifest()));
        Image child1 = pushByDigest(client, RegistryClient.newImage(repo, 1));
        Image child2 = pushByDigest(client, RegistryClient.newImage(repo, 1));
        Manifest index = Content.ociIndex().manifest(child1.manifest().descriptor(), "amd64")
                .manifest(child2.manifest().descriptor(), "arm64").build();
        assertStatus(client.putManifest(repo, "multi", index), 201);
        Image untagged = pushByDigest(client, RegistryClient.newImage(repo, 1));
        Image untaggedSignature = pushByDigest(client, referrer(repo, untagged.manifest()));

        JsonNode plain = api.collect(false, false);
        assertThat(plain.get("manifests_deleted").asLong()).as("a run without untagged: %s", plain).isZero();
        assertThat(plain.get("blobs_deleted").asLong()).as("a run without untagged: %s", plain).isZero();
        assertPullsWhole(client, untagged, untagged.manifest().digest());
        Map<String, Long> before = DataFiles.blobs(data);
        JsonNode dry = api.collect(true, true);
        assertThat(dry.get("untagged").asBoolean()).isTrue();
        assertThat(dry.get("manifests_deleted").asLong()).as("dry run %s", dry).isEqualTo(2);
        assertThat(DataFiles.blobs(data)).as("what a dry run leaves").isEqualTo(before);
        assertPullsWhole(client, untagged, untagged.manifest().digest());

        JsonNode run = api.collect(false, true);
        // The blobs of the manifests it deleted are unlinked by the run, and are garbage from then on.
        JsonNode next = api.collect(false, false);

        assertGcRunShape(run);
        assertThat(run.get("untagged").asBoolean()).isTrue();
        assertThat(run.get("manifests_deleted").asLong()).as("run %s", run).isEqualTo(2);
        Map<String, Long> removed = removed(before, DataFiles.blobs(data));
        List<String> garbage = new ArrayList<>(Arrays.asList(digests(untagged)));
        garbage.addAll(Arrays.asList(digests(untaggedSignature)));
        assertThat(removed).containsOnlyKeys(garbage);
        assertThat(run.get("blobs_deleted").asLong() + next.get("blobs_deleted").asLong())
                .as("runs %s and %s", run, next).isEqualTo(removed.size());
        assertThat(run.get("bytes_freed").asLong() + next.get("bytes_freed").asLong())
                .as("runs %s and %s", run, next).isEqualTo(total(removed));
        for (Image gone : List.of(untagged, untaggedSignature)) {
            assertError(client.getManifest(repo, gone.manifest().digest()), 404, "MANIFEST_UNKNOWN");
        }
        assertPullsWhole(client, tagged, "v1");
        for (Image kept : List.of(signature, child1, child2)) {
            assertPullsWhole(client, kept, kept.manifest().digest());
        }
        HttpResponse<byte[]> pulledIndex = client.getManifest(repo, "multi");
        assertStatus(pulledIndex, 200);
        assertBody(pulledIndex, index.bytes());
        HttpResponse<byte[]> referrers = client.referrers(repo, tagged.manifest().digest(), null);
        assertStatus(referrers, 200);
        List<String> referrerDigests = new ArrayList<>();
        json(referrers).get("manifests").forEach(m -> referrerDigests.add(m.get("digest").asText()));
        assertThat(referrerDigests).containsExactly(signature.manifest().digest());
    }

    /** "In a dry run the counts say what would have been freed": an untagged dry run counts what the run does. */
    @Test
    void anUntaggedDryRunCountsWhatTheSameRunThenDoes() {
        RegistryClient client = registry.client();
        ManagementClient api = registry.management();
        Path data = registry.process().dataDir();
        String repo = Content.randomRepo("gc-untagged-dry");
        client.pushImage(repo, "v1", 1);
        Image untagged = pushByDigest(client, RegistryClient.newImage(repo, 2));
        Image gone = client.pushImage(Content.randomRepo("gc-untagged-gone"), "v1", 1);
        assertStatus(api.delete(repositoryPath("library", repositoryPart(gone.repo()))), 204);
        Map<String, Long> before = DataFiles.blobs(data);

        JsonNode dry = api.collect(true, true);
        JsonNode run = api.collect(false, true);

        for (String count : List.of("manifests_deleted", "blobs_deleted", "bytes_freed")) {
            assertThat(dry.get(count).asLong()).as("%s of the dry run %s, then of the run %s", count, dry, run)
                    .isEqualTo(run.get(count).asLong());
        }
        assertThat(run.get("manifests_deleted").asLong()).isEqualTo(1);
        assertThat(run.get("blobs_deleted").asLong()).isGreaterThanOrEqualTo(digests(gone).length);
        api.collect(false, false);
        List<String> garbage = new ArrayList<>(Arrays.asList(digests(untagged)));
        garbage.addAll(Arrays.asList(digests(gone)));
        assertThat(removed(before, DataFiles.blobs(data))).containsOnlyKeys(garbage);
    }

    /**
     * An unknown run is a 404 and a body with a field the contract does not have a 400, which starts nothing.
     * (409 {@code GC_RUNNING} is in {@link GarbageCollectionCrashTest}: there a run is still going, as far as the
     * server can tell, for as long as the test needs.)
     */
    @Test
    void theRunApiAnswersAnUnknownRunWith404AndAnUnknownFieldWith400() {
        ManagementClient api = registry.management();

        long runs = assertList(api.get("/gc")).get("count").asLong();

        assertApiError(api.get(gcRunPath("gc-20260101-000000-abcdef")), 404);
        assertApiError(api.send("POST", "/gc", "{\"dry_run\": true, \"everything\": true}"), 400);
        assertApiError(api.send("POST", "/gc", "{\"dry_run\": tru"), 400);
        assertApiError(registry.process().management(null).send("POST", "/gc", "{}"), 401);

        assertThat(assertList(api.get("/gc")).get("count").asLong()).as("runs after the refusals").isEqualTo(runs);
        HttpResponse<byte[]> emptyBody = api.send("POST", "/gc", (String) null);
        assertStatus(emptyBody, 202);
        JsonNode run = json(emptyBody);
        assertGcRunShape(run);
        assertThat(run.get("dry_run").asBoolean()).as("default dry_run").isFalse();
        assertThat(run.get("untagged").asBoolean()).as("default untagged").isFalse();
        assertGcRunShape(api.awaitGc(run.get("id").asText()));
    }

    @Test
    void theMetricsShowTheCandidatesAndWhatRunsFreed() {
        RegistryClient client = registry.client();
        ManagementClient api = registry.management();
        RegistryClient anonymous = registry.process().anonymousClient();
        String repo = Content.randomRepo("gc-metrics");
        client.pushImage(repo, "v1", 1);
        Image untagged = pushByDigest(client, RegistryClient.newImage(repo, 1));
        Image gone = client.pushImage(Content.randomRepo("gc-metrics-gone"), "v1", 2);
        assertStatus(api.delete(repositoryPath("library", repositoryPart(gone.repo()))), 204);
        String before = scrape(anonymous);
        assertThat(metric(before, "berth_gc_candidates")).as("candidates after the delete")
                .isEqualTo(digests(gone).length);

        api.collect(true, true);
        JsonNode untaggedRun = api.collect(false, true);
        // The blobs of the manifest that run deleted are unlinked by it, and are garbage from then on.
        JsonNode run = api.collect(false, false);

        long blobs = untaggedRun.get("blobs_deleted").asLong() + run.get("blobs_deleted").asLong();
        long bytes = untaggedRun.get("bytes_freed").asLong() + run.get("bytes_freed").asLong();
        assertThat(blobs).isEqualTo(digests(gone).length + digests(untagged).length);
        assertThat(untaggedRun.get("manifests_deleted").asLong()).isEqualTo(1);
        String done = "state=\"done\"";
        String after = await("both runs counted in /metrics", () -> scrape(anonymous),
                text -> increase(before, text, "berth_gc_runs_seconds_count", done, "dry_run=\"false\"") == 2);
        assertThat(increase(before, after, "berth_gc_runs_seconds_count", done, "dry_run=\"true\"")).isEqualTo(1);
        assertThat(increase(before, after, "berth_gc_blobs_freed_total")).as("blobs freed, dry runs apart")
                .isEqualTo(blobs);
        assertThat(increase(before, after, "berth_gc_freed_bytes_total")).isEqualTo(bytes);
        assertThat(increase(before, after, "berth_gc_manifests_deleted_total")).isEqualTo(1);
        assertThat(metric(after, "berth_gc_candidates")).as("candidates after the runs").isZero();
        assertThat(after).contains("berth_gc_runs_seconds_sum{");
    }

    /**
     * Done when: images pushed into several registries and repositories (a layer in all of them, an index, a
     * mount from another registry, an upload abandoned half-way), then everything deleted (an artifact over
     * {@code /v2}, repositories one by one and as a group, a registry, and whatever the other tests of the class
     * kept), and one run with no grace period leave the data directory, database apart, as it was when the server
     * first started: no blob, upload or temporary file.
     */
    @Test
    void deletingEverythingAndCollectingOnceLeavesTheDataDirectoryAsAFreshServerLeftIt() {
        RegistryClient client = registry.client();
        ManagementClient api = registry.management();
        Path data = registry.process().dataDir();
        long freshBytes = total(fresh);
        String acme = api.newRegistry("gc-acme");
        String beta = api.newRegistry("gc-beta");
        Blob base = Content.randomBlob(4096);

        Image app = client.pushImage(RegistryClient.newImage("library/gc-app", base, Content.randomBlob(300)), "v1");
        client.pushImage(RegistryClient.newImage("library/gc-app", base, Content.randomBlob(301)), "v2");
        Image tool = client.pushImage(RegistryClient.newImage("library/gc-tool", Content.randomBlob(302)), "latest");
        Image web = client.pushImage(RegistryClient.newImage(acme + "/web", base, Content.randomBlob(303)), "v1");
        Image arm = pushByDigest(client, RegistryClient.newImage(acme + "/web", base, Content.randomBlob(304)));
        assertStatus(client.putManifest(web.repo(), "multi", Content.ociIndex().manifest(web.manifest().descriptor(),
                "amd64").manifest(arm.manifest().descriptor(), "arm64").build()), 201);
        pushByDigest(client, referrer(web.repo(), web.manifest()));
        client.pushImage(RegistryClient.newImage(acme + "/team/api", Content.randomBlob(305)), "v1");
        client.pushImage(RegistryClient.newImage(beta + "/db", base, Content.randomBlob(306)), "v1");
        assertStatus(client.mount(beta + "/cache", tool.layers().get(0).digest(), tool.repo()), 201);
        Blob cacheConfig = Content.randomConfig();
        client.pushBlob(beta + "/cache", cacheConfig);
        assertStatus(client.putManifest(beta + "/cache", "v1", Content.ociManifest()
                .config(cacheConfig.descriptor(Content.OCI_CONFIG))
                .layer(tool.layers().get(0).descriptor(Content.OCI_LAYER)).build()), 201);
        HttpResponse<byte[]> abandoned = client.startUpload(beta + "/db");
        assertStatus(abandoned, 202);
        assertStatus(client.patchChunk(requireHeader(abandoned, "Location"), Content.randomBytes(2048), 0), 202);
        assertThat(DataFiles.sizeOutsideDatabase(data)).isGreaterThan(freshBytes);

        assertStatus(client.deleteManifest(tool.repo(), tool.manifest().digest()), 202);
        assertStatus(api.delete(repositoryPath("library", "gc-tool")), 204);
        assertStatus(api.delete(repositoryPath("library", repositoryPart(app.repo()))), 204);
        assertThat(assertGroupResult(api.post(registryPath(beta) + "/repositories/delete",
                obj("names", arr("db", "cache")))).get("failed")).isEmpty();
        assertStatus(api.delete(registryPath(acme)), 204);
        deleteWhatOtherTestsKept(api);
        Map<String, Long> garbage = DataFiles.blobs(data);
        // The upload was abandoned more than --upload-expiry ago once a dry run counts it.
        JsonNode dry = await("a dry run counting the abandoned upload", Duration.ofSeconds(30),
                () -> api.collect(true, false), r -> r.get("uploads_deleted").asLong() == 1);
        assertThat(dry.get("blobs_deleted").asLong()).as("dry run %s", dry).isEqualTo(garbage.size());

        JsonNode run = api.collect(false, false);

        assertThat(run.get("blobs_deleted").asLong()).as("run %s", run).isEqualTo(garbage.size());
        assertThat(run.get("bytes_freed").asLong()).as("run %s", run).isEqualTo(total(garbage));
        assertThat(run.get("uploads_deleted").asLong()).as("run %s", run).isEqualTo(1);
        assertThat(DataFiles.outsideDatabase(data)).as("the files of the data directory, database apart")
                .isEqualTo(fresh);
        assertThat(DataFiles.sizeOutsideDatabase(data)).isEqualTo(freshBytes);
    }

    // ------------------------------------------------------------------------------------------ helpers

    /** Deletes every registry but {@code library} (a fresh server has it too) and every repository of it. */
    private static void deleteWhatOtherTestsKept(ManagementClient api) {
        for (String name : names(assertList(api.get("/registries", "size", "1000")), "name")) {
            if (!name.equals("library")) {
                assertStatus(api.delete(registryPath(name)), 204);
            }
        }
        List<String> repositories = names(assertList(api.get(registryPath("library") + "/repositories",
                "size", "1000")), "name");
        if (!repositories.isEmpty()) {
            JsonNode deleted = assertGroupResult(api.post(registryPath("library") + "/repositories/delete",
                    obj("names", Content.JSON.valueToTree(repositories))));
            assertThat(deleted.get("failed")).isEmpty();
        }
    }

    /** A signature of {@code subject}: an artifact with a config and one layer of its own, naming it as its subject. */
    static Image referrer(String repo, Manifest subject) {
        Blob config = Content.randomConfig();
        Blob signature = Content.randomBlob(96);
        Manifest manifest = Content.ociManifest().artifactType("application/vnd.example.signature")
                .config(config.descriptor(Content.OCI_CONFIG))
                .layer(signature.descriptor("application/vnd.example.signature.data"))
                .subject(subject.descriptor()).build();
        return new Image(repo, config, List.of(signature), manifest);
    }

    /** Pushes the image under its digest: an untagged manifest. */
    static Image pushByDigest(RegistryClient client, Image image) {
        return client.pushImage(image, image.manifest().digest());
    }

    /** Every blob file an image's push stores: config, layers and the manifest's own bytes. */
    static String[] digests(Image image) {
        List<String> digests = new ArrayList<>();
        image.blobs().forEach(b -> digests.add(b.digest()));
        digests.add(image.manifest().digest());
        return digests.toArray(String[]::new);
    }

    /** {@code library/x-y} gives {@code x-y}: the repository's name within its registry. */
    static String repositoryPart(String repo) {
        return repo.substring(repo.indexOf('/') + 1);
    }

    private static Map<String, Long> removed(Map<String, Long> before, Map<String, Long> after) {
        assertThat(before).as("blob files before the run, then after it").containsAllEntriesOf(after);
        Map<String, Long> removed = new TreeMap<>(before);
        removed.keySet().removeAll(after.keySet());
        return removed;
    }

    private static long total(Map<String, Long> files) {
        return files.values().stream().mapToLong(Long::longValue).sum();
    }

    private static String scrape(RegistryClient anonymous) {
        HttpResponse<byte[]> r = anonymous.get("/metrics");
        assertStatus(r, 200);
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    /** How much a series grew from one scrape to the next (a series not yet in the first counts from 0). */
    private static double increase(String before, String after, String name, String... labels) {
        double from = metric(before, name, labels);
        return metric(after, name, labels) - (Double.isNaN(from) ? 0 : from);
    }

    /** The value of the first series named {@code name} whose labels include {@code labels}; NaN when none does. */
    private static double metric(String scrape, String name, String... labels) {
        for (String line : scrape.split("\n")) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            String series = line.substring(0, line.lastIndexOf(' '));
            String seriesName = series.contains("{") ? series.substring(0, series.indexOf('{')) : series;
            if (seriesName.equals(name) && Arrays.stream(labels).allMatch(series::contains)) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return Double.NaN;
    }
}
