package dev.berth.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.conformance.Content.Blob;
import dev.berth.conformance.RegistryClient.Image;
import dev.berth.conformance.RegistryProcess.CommandRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import static dev.berth.conformance.GarbageCollectionTest.digests;
import static dev.berth.conformance.GarbageCollectionTest.repositoryPart;
import static dev.berth.conformance.ManagementClient.artifactPath;
import static dev.berth.conformance.ManagementClient.obj;
import static dev.berth.conformance.ManagementClient.repositoryPath;
import static dev.berth.conformance.OciAssertions.assertPullsWhole;
import static dev.berth.conformance.OciAssertions.describe;
import static dev.berth.conformance.OciAssertions.errorCodes;
import static dev.berth.conformance.OciAssertions.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bounded soak of collections racing the writes they must not break ({@code management-api.md}, "Garbage
 * collection": a run never removes a blob that an acknowledged push refers to, and it runs while pushes go on).
 *
 * <p>For {@link #LOAD}, with {@code --gc-grace 0s} (a blob is garbage as soon as its last link goes), {@link #CLIENTS}
 * clients push images whose layers come from a small shared pool into repositories of two registries that they
 * share, and delete what they pushed: an artifact over {@code /v2} or the management API, or a whole repository. So a
 * pooled layer keeps losing its last link and getting one again, while one more thread starts collections (plain and
 * untagged) one after the other. A push that fails is not acknowledged and is pushed again; the failures the contract
 * expects are the collector's or a delete's wins ({@code BLOB_UNKNOWN} on an upload, {@code MANIFEST_BLOB_UNKNOWN} on a
 * manifest, a mount answered with an upload session), and anything else fails the test.
 *
 * <p>The bookkeeping is exact: a client records an image when its manifest {@code PUT} answered 201 and forgets it
 * when it deletes it; a repository's deletion excludes the pushes into that repository (a lock per repository, which
 * pushes and artifact deletes share) and forgets what was recorded in it. At the end every image recorded pulls whole,
 * a last collection leaves on disk exactly the blob files they refer to, and {@code check} finds nothing wrong.
 */
class GarbageCollectionSoakTest {
    private static final Duration LOAD = Duration.ofSeconds(15);
    private static final int CLIENTS = 6;
    private static final int REPOSITORIES_PER_REGISTRY = 3;
    private static final int POOLED_LAYERS = 16;
    /** Tries of one push before the test gives up on it: far more than the races ever take. */
    private static final int TRIES = 50;

    @RegisterExtension
    static final RegistryExtension registry = RegistryExtension.perClass("--gc-grace", "0s", "--gc-interval", "0");

    /** An image whose manifest PUT was acknowledged under {@code tag}. */
    private record Pushed(Image image, String tag) {
    }

    private final List<Blob> pool = new ArrayList<>();
    private final List<String> repositories = new ArrayList<>();
    private final Map<String, ReadWriteLock> locks = new LinkedHashMap<>();
    /** The images acknowledged and not deleted, by repository. */
    private final Map<String, Set<Pushed>> recorded = new ConcurrentHashMap<>();
    private final List<String> surprises = Collections.synchronizedList(new ArrayList<>());

    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong blobUnknown = new AtomicLong();
    private final AtomicLong manifestBlobUnknown = new AtomicLong();
    private final AtomicLong mounts = new AtomicLong();
    private final AtomicLong mountsAsUploads = new AtomicLong();
    private final AtomicLong deletedOverV2 = new AtomicLong();
    private final AtomicLong deletedOverApi = new AtomicLong();
    private final AtomicLong repositoriesDeleted = new AtomicLong();
    private final AtomicLong collections = new AtomicLong();
    private final AtomicLong collectionsBusy = new AtomicLong();
    private final AtomicLong blobsCollected = new AtomicLong();

    @Test
    void collectionsRacingPushesAndDeletesOfSharedLayersNeverTakeABlobOfAnAcknowledgedImage() throws Exception {
        RegistryProcess server = registry.process();
        String tenant = registry.management().newRegistry("soak");
        for (String reg : List.of("library", tenant)) {
            for (int i = 0; i < REPOSITORIES_PER_REGISTRY; i++) {
                String repo = reg + "/gc-soak-" + i + "-" + Content.randomAlnum(6);
                repositories.add(repo);
                locks.put(repo, new ReentrantReadWriteLock());
                recorded.put(repo, ConcurrentHashMap.newKeySet());
            }
        }
        for (int i = 0; i < POOLED_LAYERS; i++) {
            pool.add(Content.randomBlob(128 + i));
        }

        long deadline = System.nanoTime() + LOAD.toNanos();
        ExecutorService threads = Executors.newFixedThreadPool(CLIENTS + 1);
        List<Future<?>> work = new ArrayList<>();
        try {
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                work.add(threads.submit(() -> {
                    clientLoop(server.client(), server.management(), client, deadline);
                    return null;
                }));
            }
            work.add(threads.submit(() -> {
                collectorLoop(server.management(), deadline);
                return null;
            }));
            for (Future<?> w : work) {
                w.get(LOAD.toSeconds() + 60, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
        List<Pushed> survivors = new ArrayList<>();
        recorded.values().forEach(survivors::addAll);
        System.out.println(summary(survivors.size()));
        assertThat(surprises).as("answers the races do not explain").isEmpty();

        RegistryClient client = server.client();
        Set<String> referenced = new HashSet<>();
        for (Pushed pushed : survivors) {
            assertPullsWhole(client, pushed.image(), pushed.tag());
            referenced.addAll(List.of(digests(pushed.image())));
        }
        JsonNode last = registry.management().collect(false, false);
        for (Pushed pushed : survivors) {
            assertPullsWhole(client, pushed.image(), pushed.tag());
        }
        // What the running server counted, to tell a drift made while it ran from one the stop or the reopening made.
        String countedWhileRunning = "storage_used_bytes while running: library " + registry.management()
                .storageUsed("library") + ", " + tenant + " " + registry.management().storageUsed(tenant);
        server.stop();
        CommandRun check = server.runCommand("check", "--data-dir", server.dataDir().toString());

        assertThat(collections.get()).as("collections during the load").isGreaterThan(1);
        // The server's log goes with a failed check: the usage counters drifted twice here, and the log is what
        // can say which request's transaction did it.
        assertThat(check.exitStatus()).as(check.stdout() + check.stderr() + "\n" + countedWhileRunning
                + "\nserver log (its end):\n" + server.logTail(300)).isZero();
        assertThat(DataFiles.blobs(server.dataDir()).keySet()).as("blob files after the last collection %s", last)
                .containsExactlyInAnyOrderElementsOf(referenced);
        Map<String, Long> others = DataFiles.outsideDatabase(server.dataDir());
        others.keySet().removeIf(path -> path.startsWith("blobs/"));
        assertThat(others).as("upload and temporary files left").isEmpty();
    }

    // ------------------------------------------------------------------------------------------ the clients

    /** Pushes, deletes its own images and deletes repositories, at random, until the deadline. */
    private void clientLoop(RegistryClient client, ManagementClient api, int id, long deadline) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        List<Pushed> mine = new ArrayList<>();
        for (int n = 0; System.nanoTime() < deadline; n++) {
            String repo = repositories.get(random.nextInt(repositories.size()));
            int action = random.nextInt(20);
            if (action < 10 || mine.isEmpty()) {
                Image image = RegistryClient.newImage(repo, pool.get(random.nextInt(pool.size())),
                        Content.randomBlob(64 + random.nextInt(64)));
                push(client, image, "c" + id + "-" + n).ifPresent(mine::add);
            } else if (action < 19) {
                deleteArtifact(client, api, mine.remove(random.nextInt(mine.size())), random.nextBoolean());
            } else {
                deleteRepository(api, repo);
            }
        }
    }

    /** Pushes the image until its manifest is acknowledged, and records it; empty when its repository went. */
    private Optional<Pushed> push(RegistryClient client, Image image, String tag) {
        ReadWriteLock lock = locks.get(image.repo());
        lock.readLock().lock();
        try {
            for (int tries = 1; tries <= TRIES; tries++) {
                if (pushBlobs(client, image)) {
                    HttpResponse<byte[]> put = client.putManifest(image.repo(), tag, image.manifest());
                    if (put.statusCode() == 201) {
                        Pushed pushed = new Pushed(image, tag);
                        recorded.get(image.repo()).add(pushed);
                        acknowledged.incrementAndGet();
                        return Optional.of(pushed);
                    }
                    expect(put, 400, "MANIFEST_BLOB_UNKNOWN", manifestBlobUnknown);
                }
            }
            surprises.add("a push of " + image.manifest().digest() + " into " + image.repo() + " refused " + TRIES
                    + " times");
            return Optional.empty();
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Pushes the blobs the repository does not have as a client does: a HEAD first, then a pooled layer mounted
     * (from a named repository or any) or uploaded, the others uploaded. False when one was refused.
     */
    private boolean pushBlobs(RegistryClient client, Image image) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (Blob blob : image.blobs()) {
            if (client.headBlob(image.repo(), blob.digest()).statusCode() == 200) {
                continue;
            }
            if (pool.contains(blob) && random.nextBoolean()) {
                mounts.incrementAndGet();
                String from = random.nextBoolean() ? repositories.get(random.nextInt(repositories.size())) : null;
                HttpResponse<byte[]> mount = client.mount(image.repo(), blob.digest(), from);
                if (mount.statusCode() == 201) {
                    continue;
                }
                if (mount.statusCode() != 202) {
                    uploadRefused(mount);
                    return false;
                }
                mountsAsUploads.incrementAndGet();
                String location = OciAssertions.requireHeader(mount, "Location");
                HttpResponse<byte[]> put = client.putUpload(location, blob.digest(), blob.bytes());
                if (put.statusCode() != 201) {
                    uploadRefused(put);
                    client.cancelUpload(location);
                    return false;
                }
                continue;
            }
            HttpResponse<byte[]> post = client.postMonolithic(image.repo(), blob.bytes(), blob.digest());
            if (post.statusCode() != 201) {
                uploadRefused(post);
                return false;
            }
        }
        return true;
    }

    private void deleteArtifact(RegistryClient client, ManagementClient api, Pushed pushed, boolean overV2) {
        String repo = pushed.image().repo();
        ReadWriteLock lock = locks.get(repo);
        lock.readLock().lock();
        try {
            if (!recorded.get(repo).remove(pushed)) {
                return; // its repository was deleted
            }
            String digest = pushed.image().manifest().digest();
            if (overV2) {
                expect(client.deleteManifest(repo, digest), 202, null, deletedOverV2);
            } else {
                expect(api.delete(artifactPath(registryPart(repo), repositoryPart(repo), digest)), 204, null,
                        deletedOverApi);
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    private void deleteRepository(ManagementClient api, String repo) {
        ReadWriteLock lock = locks.get(repo);
        lock.writeLock().lock();
        try {
            HttpResponse<byte[]> delete = api.delete(repositoryPath(registryPart(repo), repositoryPart(repo)));
            if (delete.statusCode() != 404 || !recorded.get(repo).isEmpty()) {
                expect(delete, 204, null, repositoriesDeleted);
            }
            recorded.get(repo).clear();
        } finally {
            lock.writeLock().unlock();
        }
    }

    // ------------------------------------------------------------------------------------------ the collector

    /** Starts collections one after the other, plain and untagged in turn, until the deadline. */
    private void collectorLoop(ManagementClient api, long deadline) {
        for (int n = 0; System.nanoTime() < deadline; n++) {
            HttpResponse<byte[]> started = api.post("/gc", obj("untagged", n % 2 == 1));
            if (started.statusCode() == 409) {
                collectionsBusy.incrementAndGet();
                continue;
            }
            if (!expect(started, 202, null, collections)) {
                continue;
            }
            JsonNode run = api.awaitGc(json(started).get("id").asText());
            blobsCollected.addAndGet(run.get("blobs_deleted").asLong());
            if (run.get("manifests_deleted").asLong() != 0) {
                surprises.add("an untagged collection deleted manifests, but every push was tagged: " + run);
            }
        }
    }

    // ------------------------------------------------------------------------------------------ helpers

    private String summary(int survivors) {
        return "gc soak: " + LOAD.toSeconds() + " s, " + acknowledged + " pushes acknowledged; "
                + "refused and pushed again: "
                + blobUnknown + " uploads BLOB_UNKNOWN, " + manifestBlobUnknown + " manifests MANIFEST_BLOB_UNKNOWN; "
                + mountsAsUploads
                + " of " + mounts + " mounts answered with an upload session; " + deletedOverV2 + " + "
                + deletedOverApi + " artifacts deleted over /v2 + the API, " + repositoriesDeleted
                + " repositories deleted; " + collections + " collections (" + blobsCollected + " blobs freed, "
                + collectionsBusy + " starts answered 409); " + survivors + " images left, pulled whole";
    }

    /** Counts an upload refused {@code BLOB_UNKNOWN}: the collector removed the file before the upload linked it. */
    private void uploadRefused(HttpResponse<byte[]> r) {
        expect(r, 404, "BLOB_UNKNOWN", blobUnknown);
    }

    /**
     * Counts an answer of the expected status (and, for an error, code) and says whether it was one; anything else
     * is a surprise, which fails the test at the end.
     */
    private boolean expect(HttpResponse<byte[]> r, int status, String code, AtomicLong counter) {
        if (r.statusCode() == status && (code == null || errorCodes(r).contains(code))) {
            counter.incrementAndGet();
            return true;
        }
        surprises.add(describe(r));
        return false;
    }

    private static String registryPart(String repo) {
        return repo.substring(0, repo.indexOf('/'));
    }
}
