package dev.berth.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.conformance.Content.Blob;
import dev.berth.conformance.RegistryClient.Image;
import dev.berth.storage.testing.PostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.berth.conformance.ManagementClient.obj;
import static dev.berth.conformance.ManagementClient.permissions;
import static dev.berth.conformance.ManagementClient.userPath;
import static dev.berth.conformance.OciAssertions.assertError;
import static dev.berth.conformance.OciAssertions.assertPullsWhole;
import static dev.berth.conformance.OciAssertions.assertStatus;
import static dev.berth.conformance.OciAssertions.json;
import static dev.berth.conformance.OciAssertions.requireHeader;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Three nodes on one real PostgreSQL database and one S3 bucket (S3Proxy), and HAProxy in front of them, round robin
 * with no affinity: a chunked upload whose requests land on every node completes with its digest verified (each
 * request goes to the node that holds the session); what one node writes (a blob, a tag moved, a manifest deleted, a
 * user disabled, refreshed or deleted) every other node serves from the next request on, although each answers
 * pulls from its caches; two nodes racing for the last bytes of a quota never overstep it; a node killed with
 * {@code kill -9} in the middle of a push leaves a client that retries through the balancer able to finish. Skipped
 * where PostgreSQL or HAProxy is not installed; {@code .ci/run} installs both.
 */
class ClusterTest {
    private static final int NODES = 3;
    private static final int MIB = 1024 * 1024;

    private static final List<RegistryProcess> nodes = new ArrayList<>();
    private static HaproxyBalancer balancer;

    /** A failed test prints the end of every node's log, as {@link RegistryExtension} does for one server. */
    @RegisterExtension
    static final AfterTestExecutionCallback logsOfAFailure = context -> {
        if (context.getExecutionException().isPresent()) {
            for (int i = 0; i < nodes.size(); i++) {
                nodes.get(i).printLogOfFailedTest("node " + i + "'s", context.getDisplayName(), 100);
            }
        }
    };

    @BeforeAll
    static void startCluster() throws Exception {
        assumeTrue(PostgresServer.shared().isPresent(), "PostgreSQL is not installed (apt-get install postgresql)");
        assumeTrue(HaproxyBalancer.installed(), "HAProxy is not installed (apt-get install haproxy)");
        SharedStorage shared = SharedStorage.fresh();
        for (int i = 0; i < NODES; i++) {
            nodes.add(RegistryProcess.startWithOptions(shared.options(), shared.environment()));
        }
        balancer = HaproxyBalancer.start(nodes.stream().map(RegistryProcess::port).toList());
    }

    @AfterAll
    static void stopCluster() {
        if (balancer != null) {
            balancer.close();
        }
        nodes.forEach(RegistryProcess::close);
    }

    private static RegistryClient node(int i) {
        return nodes.get(i).client();
    }

    private static ManagementClient management(int i) {
        return nodes.get(i).management();
    }

    private static RegistryClient throughBalancer() {
        return new RegistryClient(balancer.baseUri(), nodes.get(0).authorizationHeader());
    }

    @Test
    void everyNodeReportsItsIdAddressAndCachesOnHealthz() throws Exception {
        for (RegistryProcess node : nodes) {
            JsonNode health = json(node.anonymousClient().get("/healthz"));
            assertThat(health.get("status").asText()).isEqualTo("ok");
            assertThat(health.at("/node/id").asText())
                    .isEqualTo(Files.readString(node.dataDir().resolve("node-id"), StandardCharsets.UTF_8).strip());
            assertThat(health.at("/node/address").asText()).isEqualTo("127.0.0.1:" + node.port());
            assertThat(health.at("/node/caches_current").asBoolean()).isTrue();
        }
    }

    @Test
    void aChunkedUploadWhoseRequestsLandOnEveryNodeCompletesWithItsDigestVerified() {
        String repo = management(0).newRegistry("chunks") + "/app";
        Blob blob = Content.randomBlob(7 * MIB + 123);
        String location = requireHeader(node(0).startUpload(repo), "Location");
        int chunk = 2 * MIB;
        int offset = 0;
        for (int i = 1; offset + chunk < blob.size(); i++, offset += chunk) {
            HttpResponse<byte[]> patched = node(i % NODES).patchChunk(location,
                    Arrays.copyOfRange(blob.bytes(), offset, offset + chunk), offset);
            assertStatus(patched, 202);
            assertThat(requireHeader(patched, "Range")).isEqualTo("0-" + (offset + chunk - 1));
        }
        HttpResponse<byte[]> status = node(2).uploadStatus(location);
        assertStatus(status, 204);
        assertThat(requireHeader(status, "Range")).isEqualTo("0-" + (offset - 1));

        byte[] last = Arrays.copyOfRange(blob.bytes(), offset, blob.size());
        assertError(node(1).putLastChunk(location, Content.unknownDigest(), last, offset), 400, "DIGEST_INVALID");
        String again = requireHeader(node(2).startUpload(repo), "Location");
        assertStatus(node(0).patchChunk(again, Arrays.copyOfRange(blob.bytes(), 0, offset), 0), 202);
        assertStatus(node(1).putLastChunk(again, blob.digest(), last, offset), 201);

        for (int i = 0; i < NODES; i++) {
            HttpResponse<byte[]> pulled = node(i).getBlob(repo, blob.digest());
            assertStatus(pulled, 200);
            assertThat(Content.sha256(pulled.body())).isEqualTo(blob.digest());
        }
        String cancelled = requireHeader(node(0).startUpload(repo), "Location");
        assertStatus(node(2).cancelUpload(cancelled), 204);
        assertError(node(1).uploadStatus(cancelled), 404, "BLOB_UPLOAD_UNKNOWN");
    }

    @Test
    void whatOneNodeWritesEveryOtherServesFromTheMomentTheWriteIsAcknowledged() {
        String repo = management(1).newRegistry("coherent") + "/app";
        for (int round = 0; round < 10; round++) {
            Image first = RegistryClient.newImage(repo, 2);
            Image second = RegistryClient.newImage(repo, 1);
            // Every node answers these from its caches once asked: the negative answers too.
            for (int i = 0; i < NODES; i++) {
                assertStatus(node(i).headBlob(repo, first.layers().get(0).digest()), 404);
                assertStatus(node(i).getManifest(repo, "v" + round), 404);
            }

            node(round % NODES).pushImage(first, "v" + round);
            for (int i = 0; i < NODES; i++) {
                assertStatus(node(i).headBlob(repo, first.layers().get(0).digest()), 200);
                assertPullsWhole(node(i), first, "v" + round);
            }

            node((round + 1) % NODES).pushImage(second, "v" + round);
            for (int i = 0; i < NODES; i++) {
                assertThat(requireHeader(node(i).getManifest(repo, "v" + round), "Docker-Content-Digest"))
                        .as("the moved tag on node %d", i).isEqualTo(second.manifest().digest());
            }

            assertStatus(node((round + 2) % NODES).deleteManifest(repo, second.manifest().digest()), 202);
            for (int i = 0; i < NODES; i++) {
                assertStatus(node(i).getManifest(repo, "v" + round), 404);
                assertStatus(node(i).getManifest(repo, second.manifest().digest()), 404);
            }
        }
    }

    @Test
    void aUserChangedThroughOneNodeIsSeenByEveryOtherOnTheVeryNextRequest() {
        String registry = management(0).newRegistry("robots");
        Image image = node(0).pushImage(registry + "/app", "v1", 1);
        JsonNode created = management(0).newUser("ci", registry, "pull");
        String id = created.get("id").asText();
        String secret = created.get("secret").asText();
        for (int i = 0; i < NODES; i++) {
            assertPullsWhole(user(i, created.get("name").asText(), secret), image, "v1");
        }

        assertStatus(management(0).post(userPath(id) + "/disable", null), 200);
        for (int i = 0; i < NODES; i++) {
            assertStatus(user(i, created.get("name").asText(), secret).getManifest(image.repo(), "v1"), 401);
        }

        assertStatus(management(1).post(userPath(id) + "/enable", null), 200);
        for (int i = 0; i < NODES; i++) {
            assertStatus(user(i, created.get("name").asText(), secret).getManifest(image.repo(), "v1"), 200);
        }

        HttpResponse<byte[]> refreshed = management(2).post(userPath(id) + "/refresh-secret", null);
        assertStatus(refreshed, 200);
        String newSecret = json(refreshed).get("secret").asText();
        for (int i = 0; i < NODES; i++) {
            assertStatus(user(i, created.get("name").asText(), secret).getManifest(image.repo(), "v1"), 401);
            assertStatus(user(i, created.get("name").asText(), newSecret).getManifest(image.repo(), "v1"), 200);
        }

        assertStatus(management(0).put(userPath(id) + "/permissions", obj("permissions", permissions())), 200);
        for (int i = 0; i < NODES; i++) {
            assertStatus(user(i, created.get("name").asText(), newSecret).getManifest(image.repo(), "v1"), 403, 404);
        }

        assertStatus(management(1).delete(userPath(id)), 204);
        for (int i = 0; i < NODES; i++) {
            assertStatus(user(i, created.get("name").asText(), newSecret).getManifest(image.repo(), "v1"), 401);
        }
    }

    private static RegistryClient user(int node, String name, String secret) {
        return new RegistryClient(nodes.get(node).baseUri(), RegistryProcess.basicAuthorization(name, secret));
    }

    @Test
    void twoNodesRacingForTheLastBytesOfAQuotaNeverOverstepIt() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 5; round++) {
                String registry = ManagementClient.uniqueName("quota");
                management(round % NODES).createRegistry(registry, false, (long) (10 * MIB));
                Blob left = Content.randomBlob(6 * MIB);
                Blob right = Content.randomBlob(6 * MIB);
                CountDownLatch start = new CountDownLatch(1);
                Future<HttpResponse<byte[]>> one = pool.submit(() -> {
                    start.await();
                    return node(0).postMonolithic(registry + "/a", left.bytes(), left.digest());
                });
                Future<HttpResponse<byte[]>> other = pool.submit(() -> {
                    start.await();
                    return node(2).postMonolithic(registry + "/b", right.bytes(), right.digest());
                });
                start.countDown();
                List<Integer> statuses = List.of(one.get().statusCode(), other.get().statusCode());

                assertThat(statuses).as("one upload fits, the other passes the limit").containsExactlyInAnyOrder(201, 403);
                HttpResponse<byte[]> refused = statuses.get(0) == 403 ? one.get() : other.get();
                assertError(refused, 403, "DENIED");
                assertThat(management(1).storageUsed(registry)).isEqualTo(6 * MIB);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aNodeKilledInTheMiddleOfAPushLeavesAClientRetryingThroughTheBalancerAbleToFinish() throws Exception {
        RegistryClient client = throughBalancer();
        String repo = management(0).newRegistry("killed") + "/app";
        Blob layer = Content.randomBlob(6 * MIB);
        Image image = RegistryClient.newImage(repo, layer);

        String location = requireHeader(client.startUpload(repo), "Location");
        assertStatus(client.patchChunk(location, Arrays.copyOfRange(layer.bytes(), 0, 2 * MIB), 0), 202);
        RegistryProcess holder = holderOf(location);
        holder.kill();
        try {
            // The rest of the session went with its node: the client is told so, whichever node it reaches.
            HttpResponse<byte[]> lost = client.patchChunk(location, Arrays.copyOfRange(layer.bytes(), 2 * MIB, 4 * MIB),
                    2 * MIB);
            assertThat(lost.statusCode()).as(OciAssertions.describe(lost)).isIn(404, 502, 503);

            // A client retries a failed blob from the start, as docker and containers/image do.
            pushBlobRetrying(client, repo, layer);
            client.pushImage(image, "v1");
            for (int i = 0; i < 2 * NODES; i++) {
                assertPullsWhole(client, image, "v1");
            }
        } finally {
            holder.launchOn(holder.port());
        }
        assertPullsWhole(node(nodes.indexOf(holder)), image, "v1");
    }

    /** The node whose id starts the upload id of {@code location}. */
    private static RegistryProcess holderOf(String location) throws Exception {
        String id = location.substring(location.lastIndexOf('/') + 1).replaceAll("\\?.*", "");
        for (RegistryProcess node : nodes) {
            String nodeId = Files.readString(node.dataDir().resolve("node-id"), StandardCharsets.UTF_8).strip();
            if (id.startsWith(nodeId)) {
                return node;
            }
        }
        throw new AssertionError("no node holds upload " + id);
    }

    /** A chunked upload of the blob, started again from its first byte when a request of it fails (up to 3 times). */
    private static void pushBlobRetrying(RegistryClient client, String repo, Blob blob) {
        int chunk = 2 * MIB;
        for (int attempt = 1; ; attempt++) {
            HttpResponse<byte[]> last = client.startUpload(repo);
            for (int offset = 0; last.statusCode() == 202 && offset < blob.size(); offset += chunk) {
                byte[] piece = Arrays.copyOfRange(blob.bytes(), offset, Math.min(blob.size(), offset + chunk));
                last = client.patchChunk(requireHeader(last, "Location"), piece, offset);
            }
            if (last.statusCode() == 202) {
                last = client.putUpload(requireHeader(last, "Location"), blob.digest());
                if (last.statusCode() == 201) {
                    return;
                }
            }
            assertThat(attempt).as("attempts; the last failure:\n%s", OciAssertions.describe(last)).isLessThan(3);
        }
    }

    @Test
    void imagesPushedAndPulledThroughTheBalancerAreWhole() {
        RegistryClient client = throughBalancer();
        String repo = management(2).newRegistry("balanced") + "/app";
        for (int i = 0; i < 6; i++) {
            Image image = RegistryClient.newImage(repo, Content.randomBlob(3 * MIB + i), Content.randomBlob(1000));
            pushBlobRetrying(client, repo, image.layers().get(0));
            client.pushImage(image, "v" + i);
            assertPullsWhole(client, image, "v" + i);
        }
        JsonNode repository = management(0).repository(repo.substring(0, repo.indexOf('/')), "app");
        assertThat(repository.get("artifact_count").asInt()).isEqualTo(6);
    }
}
