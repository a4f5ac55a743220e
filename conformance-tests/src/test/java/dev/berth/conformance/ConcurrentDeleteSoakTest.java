package dev.berth.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.conformance.Content.Blob;
import dev.berth.conformance.Content.Manifest;
import dev.berth.conformance.RegistryClient.Image;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.berth.conformance.OciAssertions.assertBody;
import static dev.berth.conformance.OciAssertions.assertError;
import static dev.berth.conformance.OciAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bounded soak of the two races in {@code docs/consistency.md}, against the real server: pushes that
 * reuse a layer while the artifact that linked it is deleted, and pushes in flight while their registry is
 * deleted and created again. {@code --gc-grace 0s} makes every layer old enough for a delete to unlink,
 * so that each pair really races (the deterministic interleavings are in {@code RegistryWriteInterleavingTest}).
 */
class ConcurrentDeleteSoakTest {
    private static final int PAIRS = 150;
    private static final int THREADS = 8;

    @RegisterExtension
    static final RegistryExtension registry = RegistryExtension.perClass("--gc-grace", "0s");

    /** One pair's outcome: the status of B's manifest PUT (0 when the HEAD already said the layer was gone). */
    private record Outcome(Image b, HttpResponse<byte[]> put) {
    }

    @Test
    void everyAcknowledgedPushKeepsItsLayerWhileTheArtifactThatLinkedItIsDeleted() throws Exception {
        RegistryClient client = registry.client();
        String repo = Content.randomRepo("library/soak");
        // B's config is kept linked by an artifact nobody deletes, so that only the shared layer is at stake.
        Image keeper = client.pushImage(repo, "keeper", 1);
        List<Image> as = new ArrayList<>();
        List<Image> bs = new ArrayList<>();
        for (int i = 0; i < PAIRS; i++) {
            Image a = client.pushImage(repo, "a" + i, 1);
            as.add(a);
            Manifest b = Content.ociManifest().config(keeper.config().descriptor(Content.OCI_CONFIG))
                    .layer(a.layers().get(0).descriptor(Content.OCI_LAYER)).annotation("pair", "b" + i).build();
            bs.add(new Image(repo, keeper.config(), a.layers(), b));
        }

        List<Outcome> outcomes = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<Outcome>> pushes = new ArrayList<>();
            List<Future<?>> deletes = new ArrayList<>();
            for (int i = 0; i < PAIRS; i++) {
                Image a = as.get(i);
                Image b = bs.get(i);
                String tag = "b" + i;
                CountDownLatch start = new CountDownLatch(2);
                deletes.add(pool.submit(() -> {
                    start.countDown();
                    start.await();
                    assertStatus(client.deleteManifest(repo, a.manifest().digest()), 202);
                    return null;
                }));
                pushes.add(pool.submit(() -> {
                    start.countDown();
                    start.await();
                    Blob layer = b.layers().get(0);
                    if (client.headBlob(repo, layer.digest()).statusCode() != 200) {
                        return new Outcome(b, null);
                    }
                    return new Outcome(b, client.putManifest(repo, tag, b.manifest()));
                }));
            }
            for (Future<?> delete : deletes) {
                delete.get(60, TimeUnit.SECONDS);
            }
            for (Future<Outcome> push : pushes) {
                outcomes.add(push.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }

        int acknowledged = 0;
        for (Outcome outcome : outcomes) {
            if (outcome.put() == null) {
                continue;
            }
            if (outcome.put().statusCode() == 201) {
                acknowledged++;
                assertStatus(client.getManifest(repo, outcome.b().manifest().digest()), 200);
                for (Blob blob : outcome.b().blobs()) {
                    HttpResponse<byte[]> pulled = client.getBlob(repo, blob.digest());
                    assertStatus(pulled, 200);
                    assertBody(pulled, blob.bytes());
                }
            } else {
                assertError(outcome.put(), 400, "MANIFEST_BLOB_UNKNOWN");
            }
        }
        System.out.println("soak: " + PAIRS + " pairs, " + acknowledged + " pushes acknowledged and pulled whole");
    }

    @Test
    void pushesInFlightWhileTheirRegistryIsDeletedLeaveNothingInTheRegistryCreatedAgain() throws Exception {
        ManagementClient management = registry.management();
        RegistryClient client = registry.client();
        RegistryClient anonymous = registry.process().anonymousClient();
        for (int trial = 0; trial < 3; trial++) {
            String tenant = ManagementClient.uniqueName("teny");
            management.createRegistry(tenant, false, null);
            AtomicBoolean deleted = new AtomicBoolean();
            CountDownLatch someLanded = new CountDownLatch(4);
            List<String> repos = new ArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<?>> pushers = new ArrayList<>();
            try {
                for (int t = 0; t < 4; t++) {
                    String repo = tenant + "/app" + t;
                    repos.add(repo);
                    // Each pusher goes on until one of its pushes is refused after the deletion.
                    pushers.add(pool.submit(() -> {
                        for (int n = 0; ; n++) {
                            try {
                                client.pushImage(repo, "v" + n, 2);
                                someLanded.countDown();
                            } catch (AssertionError refused) {
                                if (deleted.get()) {
                                    return null;
                                }
                                throw refused;
                            }
                        }
                    }));
                }
                assertThat(someLanded.await(60, TimeUnit.SECONDS)).isTrue();
                deleted.set(true);
                assertStatus(management.delete(ManagementClient.registryPath(tenant)), 204);
                for (Future<?> pusher : pushers) {
                    pusher.get(60, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }

            JsonNode created = management.createRegistry(tenant, true, null);
            assertThat(created.get("repo_count").asLong()).as("trial %d", trial).isZero();
            assertThat(created.get("storage_used_bytes").asLong()).as("trial %d", trial).isZero();
            for (String repo : repos) {
                assertError(anonymous.tagsList(repo), 404, "NAME_UNKNOWN");
                assertError(anonymous.getManifest(repo, "v0"), 404, "MANIFEST_UNKNOWN", "NAME_UNKNOWN");
            }
            assertStatus(management.delete(ManagementClient.registryPath(tenant)), 204);
        }
    }
}
