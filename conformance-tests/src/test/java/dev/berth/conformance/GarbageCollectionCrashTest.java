package dev.berth.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.conformance.Content.Blob;
import dev.berth.conformance.RegistryClient.Image;
import dev.berth.conformance.RegistryProcess.CommandRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.berth.conformance.Eventually.await;
import static dev.berth.conformance.GarbageCollectionTest.digests;
import static dev.berth.conformance.GarbageCollectionTest.repositoryPart;
import static dev.berth.conformance.ManagementAssertions.assertApiError;
import static dev.berth.conformance.ManagementAssertions.assertGcRunShape;
import static dev.berth.conformance.ManagementAssertions.assertList;
import static dev.berth.conformance.ManagementAssertions.names;
import static dev.berth.conformance.ManagementClient.obj;
import static dev.berth.conformance.ManagementClient.repositoryPath;
import static dev.berth.conformance.OciAssertions.assertPullsWhole;
import static dev.berth.conformance.OciAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A collection survives its server being killed (kill -9) inside a run. The killed run stays {@code running} in the
 * record until the next run takes the collection lease, which marks it {@code failed} ("interrupted: ..."); the next
 * run frees what the killed one left, the image that was kept all along pulls whole, and {@code check} finds nothing
 * wrong with the data directory.
 *
 * <p>A run must last long enough to be caught half-way: besides a repository of pushed blobs that is deleted, the
 * test plants thousands of small blob files in the data directory that nothing accounts for (what a crash leaves),
 * which a run records and then removes in batches. (Pushing as many blobs through {@code /v2} takes over a minute
 * on a CI machine.) When a run still ends before the kill, the test tries again with twice as much garbage.
 *
 * <p>The server restarts on the port it had: the lease names a node by host and port, so the restarted server is
 * the same node and takes its own lease back at once. Restarted on another port it is another node, which must
 * wait for the dead node's lease to expire: the one way to see {@code 409 GC_RUNNING} without racing a run.
 */
class GarbageCollectionCrashTest {
    /** Blobs pushed into a repository that is then deleted: candidates as a delete leaves them. */
    private static final int PUSHED_GARBAGE = 60;
    /** Files planted for the run to catch half-way: about two seconds of collection each way on a CI machine. */
    private static final int PLANTED_GARBAGE = 10_000;
    private static final int ATTEMPTS = 3;

    @RegisterExtension
    static final RegistryExtension registry = RegistryExtension.perClass("--gc-grace", "0s", "--gc-interval", "0");

    @Test
    void aRunKilledHalfWayIsMarkedFailedByTheNextRunWhichFreesTheRest() {
        RegistryProcess server = registry.process();
        Image kept = registry.client().pushImage(Content.randomRepo("crash-kept"), "v1", 2);
        Set<String> keptFiles = keptFiles(server, kept);
        String killed = null;
        int attempts = 0;
        int planted = PLANTED_GARBAGE;
        long garbage = 0;
        JsonNode interrupted = null;
        while (interrupted == null) {
            if (attempts++ > 0) {
                // The last run ended before the kill: too little garbage for this machine's speed.
                assertThat(attempts).as("runs over up to %d planted files that ended before the kill", planted)
                        .isLessThanOrEqualTo(ATTEMPTS);
                planted *= 2;
            }
            makeGarbage(server, PUSHED_GARBAGE, planted);
            garbage = DataFiles.blobs(server.dataDir()).size() - keptFiles.size();
            String id = registry.management().startGc(false, false).get("id").asText();
            JsonNode seen = await("run " + id + " freeing its first batch", ManagementClient.GC_TIMEOUT,
                    () -> registry.management().gcRun(id),
                    r -> !running(r) || r.get("blobs_deleted").asLong() > 0);
            if (running(seen)) {
                registry.killAndRestartOnSamePort();
                JsonNode afterKill = registry.management().gcRun(id);
                // Caught half-way: still running, with garbage left for the next run.
                if (running(afterKill) && DataFiles.blobs(server.dataDir()).size() > keptFiles.size()) {
                    killed = id;
                    interrupted = afterKill;
                }
            }
        }
        System.out.println("gc crash: killed run " + killed + " after " + interrupted.get("blobs_deleted").asLong()
                + " of " + garbage + " blob files (" + planted + " planted, attempt " + attempts + ")");
        assertGcRunShape(interrupted);
        assertThat(interrupted.get("blobs_deleted").asLong()).as("what the killed run %s saved", interrupted)
                .isPositive().isLessThan(garbage);
        assertThat(DataFiles.blobs(server.dataDir()).size()).as("blob files left by the killed run")
                .isGreaterThan(keptFiles.size());

        JsonNode run = registry.management().collect(false, false);

        JsonNode failed = registry.management().gcRun(killed);
        assertGcRunShape(failed);
        assertThat(failed.get("state").asText()).isEqualTo("failed");
        assertThat(failed.get("error").asText()).startsWith("interrupted:");
        assertThat(failed.get("blobs_deleted").asLong()).isEqualTo(interrupted.get("blobs_deleted").asLong());
        assertThat(names(assertList(registry.management().get("/gc", "size", "2")), "id"))
                .containsExactly(run.get("id").asText(), killed);
        // A batch the killed run removed but had not yet counted is counted by neither run.
        assertThat(run.get("blobs_deleted").asLong()).as("the run after the kill %s", run).isPositive()
                .isLessThanOrEqualTo(garbage - interrupted.get("blobs_deleted").asLong());
        assertThat(DataFiles.blobs(server.dataDir()).keySet()).as("blob files after the run")
                .containsExactlyInAnyOrderElementsOf(keptFiles);
        assertPullsWhole(registry.client(), kept, "v1");
        assertCheckFindsNothing(server);
    }

    @Test
    void aRunKilledAsItStartsHoldsTheLeaseOfItsNodeUntilThatNodeStartsTheNextRun() {
        RegistryProcess server = registry.process();
        Image kept = registry.client().pushImage(Content.randomRepo("crash-kept"), "v1", 1);
        Set<String> keptFiles = keptFiles(server, kept);
        int pushed = PUSHED_GARBAGE / 4;
        makeGarbage(server, pushed, PLANTED_GARBAGE / 4);
        long garbage = DataFiles.blobs(server.dataDir()).size() - keptFiles.size();
        int port = server.port();
        long posted = System.nanoTime();
        String killed = server.management().startGc(false, false).get("id").asText();
        server.kill();

        server.launch();
        ManagementClient otherNode = server.management();
        assertThat(server.port()).isNotEqualTo(port);
        JsonNode interrupted = otherNode.gcRun(killed);
        assertThat(interrupted.get("state").asText()).as("the killed run %s", interrupted).isEqualTo("running");
        // On a fast machine the run may have freed (and counted) its first batch, the deleted repository's blobs,
        // before the kill; never more, as the planted files come after a walk of the whole blob directory.
        long counted = interrupted.get("blobs_deleted").asLong();
        assertThat(counted).as("the killed run %s", interrupted).isBetween(0L, (long) pushed);
        HttpResponse<byte[]> refused = otherNode.post("/gc", obj());
        // The dead node's lease runs for a minute from the start of its run; a restart takes seconds.
        assertThat(assertApiError(refused, 409)).as("a start on another node %d s after the killed run began",
                Duration.ofNanos(System.nanoTime() - posted).toSeconds()).isEqualTo("GC_RUNNING");
        assertThat(otherNode.gcRun(killed).get("state").asText()).isEqualTo("running");
        server.stop();

        server.launchOn(port);
        ManagementClient sameNode = server.management();
        JsonNode run = sameNode.collect(false, false);

        JsonNode failed = sameNode.gcRun(killed);
        assertGcRunShape(failed);
        assertThat(failed.get("state").asText()).isEqualTo("failed");
        assertThat(failed.get("error").asText()).startsWith("interrupted:");
        assertThat(failed.get("blobs_deleted").asLong()).isEqualTo(counted);
        // A first batch the killed run removed without living to count it is counted by neither run.
        assertThat(run.get("blobs_deleted").asLong()).as("the run after the kill %s", run)
                .isBetween(garbage - pushed, garbage - counted);
        assertThat(DataFiles.blobs(server.dataDir()).keySet()).as("blob files after the run")
                .containsExactlyInAnyOrderElementsOf(keptFiles);
        assertPullsWhole(server.client(), kept, "v1");
        assertCheckFindsNothing(server);
    }

    // ------------------------------------------------------------------------------------------ helpers

    /** The blob files on disk once {@code kept} is pushed: its own, and those the class's other test kept. */
    private static Set<String> keptFiles(RegistryProcess server, Image kept) {
        Set<String> files = Set.copyOf(DataFiles.blobs(server.dataDir()).keySet());
        assertThat(files).contains(digests(kept));
        return files;
    }

    private static boolean running(JsonNode run) {
        return run.get("state").asText().equals("running");
    }

    /**
     * Pushes {@code pushed} small blobs into a new repository and deletes it, then plants {@code planted} blob files
     * that nothing accounts for.
     */
    private static void makeGarbage(RegistryProcess server, int pushed, int planted) {
        RegistryClient client = server.client();
        String repo = Content.randomRepo("crash-junk");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> pushes = new ArrayList<>();
            for (int i = 0; i < pushed; i++) {
                pushes.add(pool.submit(() -> client.pushBlob(repo, Content.randomBlob(64))));
            }
            for (Future<?> push : pushes) {
                push.get(60, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException("pushing the garbage failed", e);
        } finally {
            pool.shutdownNow();
        }
        assertStatus(server.management().delete(repositoryPath("library", repositoryPart(repo))), 204);
        try {
            for (int i = 0; i < planted; i++) {
                Blob orphan = Content.randomBlob(32);
                Path file = DataFiles.blobFile(server.dataDir(), orphan.digest());
                Files.createDirectories(file.getParent());
                Files.write(file, orphan.bytes());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the server and runs {@code check} on its data directory: exit 0, no problems. */
    private static void assertCheckFindsNothing(RegistryProcess server) {
        server.stop();
        CommandRun check = server.runCommand("check", "--data-dir", server.dataDir().toString());
        assertThat(check.exitStatus()).as(check.stdout() + check.stderr()).isZero();
        assertThat(check.stdout()).contains("no problems");
    }
}
