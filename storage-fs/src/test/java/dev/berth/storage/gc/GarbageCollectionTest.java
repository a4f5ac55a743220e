package dev.berth.storage.gc;

import dev.berth.core.blob.BlobContent;
import dev.berth.core.blob.BlobStore;
import dev.berth.core.blob.StoredBlobFile;
import dev.berth.core.digest.Digest;
import dev.berth.core.error.RegistryException;
import dev.berth.core.gc.GarbageCollector;
import dev.berth.core.gc.GcRequest;
import dev.berth.core.gc.GcRun;
import dev.berth.core.gc.GcRunStore;
import dev.berth.core.gc.GcState;
import dev.berth.core.gc.RemovalPace;
import dev.berth.core.link.BlobLinker;
import dev.berth.core.listing.Listing;
import dev.berth.core.listing.PageRequest;
import dev.berth.core.manifest.MediaTypes;
import dev.berth.core.metadata.MetadataStores;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.name.Tag;
import dev.berth.core.quota.QuotaLedger;
import dev.berth.core.registry.PushedManifest;
import dev.berth.core.registry.RegistryLimits;
import dev.berth.core.registry.RegistryService;
import dev.berth.core.tenant.TenantService;
import dev.berth.core.testing.MutableClock;
import dev.berth.core.testing.TestImages;
import dev.berth.core.usage.UsageRecorder;
import dev.berth.storage.Storage;
import dev.berth.storage.check.IntegrityCheck;
import dev.berth.storage.meta.MetadataLocation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static dev.berth.core.testing.CoreFixture.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Collections over the real storage (files, H2), driven through the registry's own push and delete paths, with
 * a clock the test moves past the grace period.
 */
class GarbageCollectionTest {
    private static final Duration GRACE = Duration.ofHours(1);
    private static final RepositoryName APP = RepositoryName.parse("acme/app");
    private static final RepositoryName WEB = RepositoryName.parse("acme/web");

    @TempDir
    Path dataDir;
    private final MutableClock clock = new MutableClock(Instant.now());
    private Storage storage;
    private TenantService tenants;
    private RegistryService registry;
    private MetadataStores metadata;

    @BeforeEach
    void setUp() throws IOException {
        open();
        tenants.create("acme", false, null);
    }

    /** Opens the storage and builds the registry over it. */
    private void open() throws IOException {
        storage = Storage.open(dataDir, clock, 0);
        tenants = new TenantService(storage.tenantStore(), clock);
        metadata = storage.metadataStores();
        QuotaLedger quota = new QuotaLedger(tenants, metadata.blobLinks(), clock);
        registry = new RegistryService(metadata, storage.blobStore(), storage.uploadStore(), tenants, quota,
                new BlobLinker(metadata.blobLinks(), quota, storage.blobStore()),
                new UsageRecorder(storage.usageStore(), clock, Runnable::run),
                new RegistryLimits(RegistryLimits.DEFAULTS.maxManifestBytes(), Duration.ofDays(1), 100, GRACE,
                        RegistryLimits.DEFAULTS.manifestCacheBytes()), clock);
    }

    @AfterEach
    void tearDown() throws IOException {
        storage.close();
    }

    @Test
    void freesTheFilesOfADeletedRepositoryOnceTheGracePeriodHasPassedAndKeepsWhatOthersLink() throws IOException {
        PushedManifest kept = TestImages.pushImage(registry, WEB, "v1", "shared layer");
        PushedManifest gone = TestImages.pushImage(registry, APP, "v1", "a layer only app has");
        Digest shared = TestImages.pushBlob(registry, APP, bytes("shared layer"));
        long goneSize = manifestSize(gone);
        long filesBefore = blobFiles();
        assertThat(metadata.repositories().deleteRepository(APP)).isTrue();

        GcRun early = collector().run(GcRequest.SCHEDULED);
        assertThat(early.blobsDeleted()).as("within the grace period").isZero();

        clock.advance(GRACE.plusMinutes(1));
        GcRun run = collector().run(GcRequest.SCHEDULED);

        assertThat(run.state()).isEqualTo(GcState.DONE);
        // The app manifest's bytes and its own layer go; the config and the shared layer stay with web.
        assertThat(run.blobsDeleted()).isEqualTo(2);
        assertThat(run.bytesFreed()).isEqualTo(bytes("a layer only app has").length + goneSize);
        assertThat(blobFiles()).isEqualTo(filesBefore - 2);
        assertThat(stored(gone.digest())).isEmpty();
        assertThat(stored(shared)).isPresent();
        assertThat(registry.getManifest(WEB, Tag.parse("v1")).digest()).isEqualTo(kept.digest());
        assertThat(collector().candidates()).isZero();
        assertThat(problemsFoundByCheck()).isZero();
    }

    @Test
    void aDryRunCountsWhatARunWouldFreeAndChangesNothing() throws IOException {
        TestImages.pushImage(registry, APP, "v1", "layer");
        metadata.repositories().deleteRepository(APP);
        clock.advance(GRACE.plusMinutes(1));
        long files = blobFiles();

        GcRun dry = collector().run(new GcRequest(true, false));
        GcRun real = collector().run(GcRequest.SCHEDULED);

        assertThat(dry.dryRun()).isTrue();
        assertThat(dry.blobsDeleted()).isEqualTo(3).isEqualTo(real.blobsDeleted());
        assertThat(dry.bytesFreed()).isEqualTo(real.bytesFreed());
        assertThat(files).isEqualTo(3);
        assertThat(blobFiles()).isZero();
    }

    @Test
    void deletingAnArtifactGivesItsManifestBytesBackAtOnceAndTheCollectorFreesThemAfterTheGracePeriod() throws IOException {
        PushedManifest image = TestImages.pushImage(registry, APP, "v1", "layer");
        long withManifest = tenants.get("acme").storageUsedBytes();
        long size = manifestSize(image);

        assertThat(registry.deleteManifest(APP, image.digest(), "ci-bot")).isTrue();

        // Its layers were linked within the grace period and stay linked (a push in progress may need them).
        assertThat(tenants.get("acme").storageUsedBytes()).isEqualTo(withManifest - size);
        clock.advance(GRACE.plusMinutes(1));
        assertThat(collector().run(GcRequest.SCHEDULED).blobsDeleted()).isEqualTo(1);
        assertThat(stored(image.digest())).isEmpty();
    }

    @Test
    void anUntaggedRunDeletesWhatNothingKeepsAndKeepsIndexChildrenAndReferrers() throws IOException {
        PushedManifest child = TestImages.pushImage(registry, APP, null, "child layer");
        PushedManifest index = TestImages.pushManifest(registry, APP, "multi", MediaTypes.OCI_INDEX, bytes(
                "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":[" + descriptor(child)
                        + "]}"));
        PushedManifest tagged = TestImages.pushImage(registry, APP, "v1", "tagged layer");
        PushedManifest signature = TestImages.pushManifest(registry, APP, null, MediaTypes.OCI_MANIFEST,
                bytes(referrerOf(tagged)));
        PushedManifest orphan = TestImages.pushImage(registry, APP, null, "orphan layer");
        clock.advance(GRACE.plusMinutes(1));
        PushedManifest recent = TestImages.pushImage(registry, APP, null, "recent layer");

        GcRun dry = collector().run(new GcRequest(true, true));
        GcRun run = collector().run(new GcRequest(false, true));

        assertThat(dry.manifestsDeleted()).isEqualTo(1);
        assertThat(run.manifestsDeleted()).isEqualTo(1);
        assertThat(metadata.manifests().manifest(APP, orphan.digest())).isEmpty();
        for (PushedManifest kept : List.of(child, index, tagged, signature, recent)) {
            assertThat(metadata.manifests().manifest(APP, kept.digest())).as("kept").isPresent();
        }
        // Its bytes and its layer are unlinked now, and go with the next run once the grace period has passed.
        assertThat(stored(orphan.digest())).isPresent();
        clock.advance(GRACE.plusMinutes(1));
        assertThat(collector().run(GcRequest.SCHEDULED).blobsDeleted()).isEqualTo(2);
        assertThat(stored(orphan.digest())).isEmpty();
        assertThat(registry.getManifest(APP, Tag.parse("multi")).digest()).isEqualTo(index.digest());
    }

    @Test
    void removesFilesNothingAccountsForOnceTheyAreOlderThanTheGracePeriod() throws IOException {
        Digest old = writeUnrecordedFile("left by a delete before collection existed", clock.instant().minus(Duration.ofDays(2)));
        Digest recent = writeUnrecordedFile("being uploaded right now", clock.instant());

        GcRun dry = collector().run(new GcRequest(true, false));
        GcRun run = collector().run(GcRequest.SCHEDULED);

        assertThat(dry.blobsDeleted()).isEqualTo(1);
        assertThat(run.blobsDeleted()).isEqualTo(1);
        assertThat(stored(old)).isEmpty();
        assertThat(stored(recent)).isPresent();
    }

    @Test
    void removesExpiredUploadSessions() throws IOException {
        registry.startUpload(APP, "ci-bot");
        clock.advance(Duration.ofDays(2));
        registry.startUpload(APP, "ci-bot");

        assertThat(collector().run(new GcRequest(true, false)).uploadsDeleted()).isEqualTo(1);
        assertThat(collector().run(GcRequest.SCHEDULED).uploadsDeleted()).isEqualTo(1);
        assertThat(storage.uploadStore().openSessions()).hasSize(1);
    }

    @Test
    void oneNodeCollectsAtATimeAndANodeThatStoppedIsTakenOverOnceItsLeaseExpires() {
        GcRun stopped = storage.gcRunStore().start(new GcRun("gc-stopped", GcState.RUNNING, false,
                false, clock.instant(), null, 0, 0, 0, 0, null), "node-b", clock.instant(),
                clock.instant().plus(Duration.ofMinutes(1))).orElseThrow();

        assertThatThrownBy(() -> collector().run(GcRequest.SCHEDULED)).isInstanceOfSatisfying(RegistryException.class,
                e -> assertThat(e.code()).isEqualTo("GC_RUNNING"));

        clock.advance(Duration.ofMinutes(2));
        GcRun run = collector().run(GcRequest.SCHEDULED);
        assertThat(run.state()).isEqualTo(GcState.DONE);
        GcRun takenOver = storage.gcRunStore().find(stopped.id()).orElseThrow();
        assertThat(takenOver.state()).isEqualTo(GcState.FAILED);
        assertThat(takenOver.error()).contains("interrupted");
        assertThat(collector().list(new PageRequest(1, 10, null)).results())
                .extracting(GcRun::id).containsExactly(run.id(), stopped.id());
    }

    @Test
    void aRunStoppedHalfWayLeavesNoLinkWithoutItsFileAndTheNextRunFinishesTheWork() throws IOException {
        for (int i = 0; i < 5; i++) {
            TestImages.pushBlob(registry, APP, bytes("blob " + i));
        }
        TestImages.pushImage(registry, WEB, "v1", "kept");
        metadata.repositories().deleteRepository(APP);
        clock.advance(GRACE.plusMinutes(1));
        AtomicInteger removals = new AtomicInteger();

        // The file store fails after two removals: the batch's transaction rolls back with two files already gone.
        GcRun failed = collectorOver(new FailingBlobStore(storage.blobStore(), digest -> {
            if (removals.incrementAndGet() > 2) {
                throw new IllegalStateException("disk gone");
            }
        })).run(GcRequest.SCHEDULED);

        assertThat(failed.state()).isEqualTo(GcState.FAILED);
        assertThat(failed.error()).contains("disk gone");
        assertThat(collector().candidates()).as("still candidates, files or not").isEqualTo(5);
        assertThat(problemsFoundByCheck()).as("no link without its file").isZero();
        GcRun next = collector().run(GcRequest.SCHEDULED);
        assertThat(next.state()).isEqualTo(GcState.DONE);
        assertThat(next.blobsDeleted()).isEqualTo(5);
        assertThat(collector().candidates()).isZero();
        assertThat(registry.getManifest(WEB, Tag.parse("v1"))).isNotNull();
        assertThat(problemsFoundByCheck()).isZero();
    }

    @Test
    void aRunSavesItsProgressAfterItsFirstStepAndThenAtMostOnceASecond() throws IOException {
        int repositories = 30;
        for (int i = 0; i < repositories; i++) {
            TestImages.pushBlob(registry, RepositoryName.parse("acme/repo-" + i), bytes("blob " + i));
        }
        AtomicInteger saves = new AtomicInteger();
        GcRunStore counted = new GcRunStore() {
            private final GcRunStore runs = storage.gcRunStore();

            @Override
            public Optional<GcRun> start(GcRun run, String node, Instant now, Instant leaseUntil) {
                return runs.start(run, node, now, leaseUntil);
            }

            @Override
            public boolean renew(String node, String runId, Instant leaseUntil) {
                return runs.renew(node, runId, leaseUntil);
            }

            @Override
            public void save(GcRun run, String node) {
                saves.incrementAndGet();
                runs.save(run, node);
            }

            @Override
            public Optional<GcRun> find(String id) {
                return runs.find(id);
            }

            @Override
            public Listing<GcRun> list(PageRequest page) {
                return runs.list(page);
            }

            @Override
            public Optional<Instant> lastStarted() {
                return runs.lastStarted();
            }
        };

        // An untagged run takes a step per repository, and each step ends in a progress report.
        GcRun run = new GarbageCollector(storage.garbageStore(), counted, storage.blobStore(), metadata.repositories(),
                registry, GRACE, RemovalPace.UNLIMITED, "node-a", Runnable::run, clock).run(new GcRequest(false, true));

        assertThat(run.state()).isEqualTo(GcState.DONE);
        // The first step's save and the end's, and one more a second should this machine be that slow.
        assertThat(saves.get()).isGreaterThanOrEqualTo(2).isLessThan(repositories / 3);
    }

    /** Runs the integrity check on the data directory, the storage closed meanwhile, and reopens it. */
    private int problemsFoundByCheck() throws IOException {
        storage.close();
        try (IntegrityCheck check = IntegrityCheck.open(dataDir, MetadataLocation.embedded(), clock)) {
            return check.run(IntegrityCheck.Mode.REPORT, finding -> { }).problems();
        } finally {
            open();
        }
    }

    private GarbageCollector collector() {
        return collectorOver(storage.blobStore());
    }

    private GarbageCollector collectorOver(BlobStore blobs) {
        return new GarbageCollector(storage.garbageStore(), storage.gcRunStore(), blobs, metadata.repositories(),
                registry, GRACE, RemovalPace.UNLIMITED, "node-a", Runnable::run, clock);
    }

    private OptionalLong stored(Digest digest) throws IOException {
        return storage.blobStore().size(digest);
    }

    private long blobFiles() throws IOException {
        try (Stream<Path> files = Files.walk(storage.layout().blobsDir())) {
            return files.filter(Files::isRegularFile).count();
        }
    }

    private Digest writeUnrecordedFile(String content, Instant modified) throws IOException {
        Digest digest = Digest.sha256Of(bytes(content));
        Path file = storage.layout().blobFile(digest);
        Files.createDirectories(file.getParent());
        Files.write(file, bytes(content));
        Files.setLastModifiedTime(file, FileTime.from(modified));
        return digest;
    }

    private long manifestSize(PushedManifest manifest) {
        return registry.getManifest(APP, manifest.digest()).content().length;
    }

    private String descriptor(PushedManifest manifest) {
        return "{\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"digest\":\"" + manifest.digest() + "\",\"size\":"
                + manifestSize(manifest) + ",\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}";
    }

    /** A signature-like artifact whose subject is {@code subject}, over the empty config. */
    private String referrerOf(PushedManifest subject) {
        Digest empty = TestImages.pushBlob(registry, APP, bytes("{}"));
        return "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"artifactType\":"
                + "\"application/vnd.example.signature\",\"config\":{\"mediaType\":\"" + MediaTypes.OCI_EMPTY
                + "\",\"digest\":\"" + empty + "\",\"size\":2},\"layers\":[{\"mediaType\":\"" + MediaTypes.OCI_EMPTY
                + "\",\"digest\":\"" + empty + "\",\"size\":2}],\"subject\":" + descriptor(subject) + "}";
    }

    /** The real blob store, with a hook run before each removal. */
    private record FailingBlobStore(BlobStore store, Consumer<Digest> beforeDelete) implements BlobStore {
        @Override
        public OptionalLong size(Digest digest) throws IOException {
            return store.size(digest);
        }

        @Override
        public BlobContent open(Digest digest, long offset, long length) throws IOException {
            return store.open(digest, offset, length);
        }

        @Override
        public byte[] readAll(Digest digest) throws IOException {
            return store.readAll(digest);
        }

        @Override
        public void put(Digest digest, byte[] content) throws IOException {
            store.put(digest, content);
        }

        @Override
        public void delete(Digest digest) throws IOException {
            beforeDelete.accept(digest);
            store.delete(digest);
        }

        @Override
        public void forEach(Consumer<StoredBlobFile> visitor) throws IOException {
            store.forEach(visitor);
        }
    }
}
