package dev.berth.storage.meta;

import dev.berth.core.digest.Digest;
import dev.berth.core.gc.GarbageStore;
import dev.berth.core.metadata.BlobLink;
import dev.berth.core.metadata.MetadataStores;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The interleavings of a blob's collection with a new link of it and with the removal of its other links, each
 * forced with latches ({@link Interleaving}), with the outcome {@code docs/consistency.md} promises for each
 * order. The blob store is a set of digests here: what matters is whether a file is there when a link checks.
 */
abstract class CollectionInterleavingTest {
    private static final Instant LONG_AGO = Instant.parse("2025-01-01T00:00:00Z");
    private static final RepositoryName ACME_APP = RepositoryName.parse("acme/app");
    private static final RepositoryName ACME_OTHER = RepositoryName.parse("acme/other");
    private static final RepositoryName BETA_APP = RepositoryName.parse("beta/app");

    private final MutableClock clock = new MutableClock(LONG_AGO);
    private final Set<Digest> files = ConcurrentHashMap.newKeySet();
    private final Digest layer = Digest.sha256Of("a layer".getBytes(StandardCharsets.UTF_8));
    private Interleaving interleaving;
    private Database database;
    private MetadataStores store;
    private H2GarbageStore garbage;

    private final TestEngine engine;
    /** The test's own temporary directory, where the embedded database lives. */
    @TempDir
    Path scratch;

    protected CollectionInterleavingTest(TestEngine engine) {
        this.engine = engine;
    }

    @BeforeEach
    void setUp() throws Exception {
        database = engine.open(scratch);
        interleaving = new Interleaving(engine.lockWait());
        store = H2MetadataStores.over(database, clock);
        garbage = new H2GarbageStore(database, clock);
        H2TenantStore tenants = new H2TenantStore(database, clock);
        tenants.create("acme", false, null, LONG_AGO);
        tenants.create("beta", false, null, LONG_AGO);
        files.add(layer);
    }

    @AfterEach
    void tearDown() {
        if (database != null) {
            database.onBlobRowsLocked(digests -> { });
            database.close();
        }
    }

    // --- the collector's removal against a new link of the same blob (an upload, a mount, a manifest's bytes)

    @Test
    void aLinkBehindTheCollectorFindsTheFileGoneAndLinksNothing() throws Exception {
        makeCandidate();

        Interleaving run = interleaving.first(this::collectHoldingAfterRemoval).thenBlocked(() -> link(ACME_OTHER));

        GarbageStore.Collected collected = run.firstResult();
        List<BlobLink> gone = run.secondResult();
        assertThat(collected.freed()).isEqualTo(1);
        assertThat(gone).extracting(BlobLink::digest).containsExactly(layer);
        assertThat(store.blobLinks().linkedBlobSize(ACME_OTHER, layer)).isEmpty();
        assertThat(garbage.candidates()).isZero();
        assertThat(garbage.unrecorded(List.of(layer))).containsExactly(layer);
    }

    @Test
    void aLinkAfterTheCollectionOfAFileUploadedAgainRecordsItAfresh() {
        makeCandidate();
        collect(this::removeFiles);

        files.add(layer);
        assertThat(link(ACME_OTHER)).isEmpty();

        assertThat(store.blobLinks().linkedBlobSize(ACME_OTHER, layer)).hasValue(100);
        assertThat(garbage.unrecorded(List.of(layer))).isEmpty();
        assertThat(garbage.candidates()).isZero();
    }

    @Test
    void aLinkThatHoldsTheBlobFirstMakesTheCollectorSkipItWithoutWaiting() throws Exception {
        makeCandidate();

        Interleaving run = interleaving.first(() -> store.blobLinks().linkBlobs(
                List.of(new BlobLink(ACME_OTHER, layer, 100)), digest -> {
                    interleaving.hold();
                    return files.contains(digest);
                })).thenUnblocked(() -> collect(this::removeFiles));

        List<BlobLink> gone = run.firstResult();
        GarbageStore.Collected collected = run.secondResult();
        assertThat(collected.examined()).isZero();
        assertThat(gone).isEmpty();
        assertThat(files).contains(layer);
        assertThat(collect(this::removeFiles).examined()).as("linked again: no longer a candidate").isZero();
        assertThat(files).contains(layer);
    }

    @Test
    void aCandidateFoundLinkedUnderTheLockIsPostponedAndItsFileKept() {
        link(ACME_APP);
        // A candidate whose blob is linked: what a link that committed between the mark and the review leaves on
        // a database whose re-check of the mark reads an older snapshot (PostgreSQL's UPDATE ... WHERE re-check).
        database.transaction(c -> Database.update(c, "UPDATE stored_blobs SET unlinked_at = ? WHERE digest = ?",
                LONG_AGO, layer.value()));
        clock.advance(Duration.ofHours(2));

        GarbageStore.Collected collected = collect(this::removeFiles);

        assertThat(collected.examined()).isEqualTo(1);
        assertThat(collected.freed()).isZero();
        assertThat(files).contains(layer);
        assertThat(garbage.candidates()).isZero();
    }

    // --- the removal of a blob's last links, in two registries at once

    @Test
    void ofTwoUnlinksOfTheLastTwoLinksTheSecondMarksTheBlob() throws Exception {
        link(ACME_APP);
        link(BETA_APP);
        database.onBlobRowsLocked(digests -> interleaving.hold());

        Interleaving run = interleaving.first(() -> store.blobLinks().unlinkBlob(ACME_APP, layer))
                .thenBlocked(() -> store.blobLinks().unlinkBlob(BETA_APP, layer));

        assertThat((Boolean) run.firstResult()).isTrue();
        assertThat((Boolean) run.secondResult()).isTrue();
        assertThat(garbage.candidates()).as("the blob is linked nowhere: a candidate, not a leak").isEqualTo(1);
        clock.advance(Duration.ofHours(2));
        assertThat(collect(this::removeFiles).freed()).isEqualTo(1);
        assertThat(files).isEmpty();
    }

    @Test
    void aLinkBehindTheLastUnlinkTakesTheCandidateBack() throws Exception {
        link(ACME_APP);
        database.onBlobRowsLocked(digests -> interleaving.hold());

        Interleaving run = interleaving.first(() -> store.blobLinks().unlinkBlob(ACME_APP, layer))
                .thenBlocked(() -> link(BETA_APP));

        assertThat((Boolean) run.firstResult()).isTrue();
        assertThat((List<BlobLink>) run.secondResult()).isEmpty();
        assertThat(garbage.candidates()).isZero();
        clock.advance(Duration.ofHours(2));
        assertThat(collect(this::removeFiles).examined()).isZero();
        assertThat(files).contains(layer);
        assertThat(store.blobLinks().linkedBlobSize(BETA_APP, layer)).hasValue(100);
    }

    /** Links the layer into acme/app long ago, unlinks it, and lets the grace period pass: a due candidate. */
    private void makeCandidate() {
        link(ACME_APP);
        assertThat(store.blobLinks().unlinkBlob(ACME_APP, layer)).isTrue();
        assertThat(garbage.candidates()).isEqualTo(1);
        clock.advance(Duration.ofHours(2));
    }

    private List<BlobLink> link(RepositoryName repository) {
        return store.blobLinks().linkBlobs(List.of(new BlobLink(repository, layer, 100)), files::contains);
    }

    private GarbageStore.Collected collect(GarbageStore.FileRemoval removal) {
        return garbage.collect(clock.instant().minus(Duration.ofHours(1)), 100, removal);
    }

    private GarbageStore.Collected collectHoldingAfterRemoval() {
        return collect(digests -> {
            removeFiles(digests);
            interleaving.hold();
        });
    }

    private void removeFiles(List<Digest> digests) {
        digests.forEach(files::remove);
    }
}
