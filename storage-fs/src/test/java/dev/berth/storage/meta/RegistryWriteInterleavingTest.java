package dev.berth.storage.meta;

import dev.berth.core.testing.MutableClock;
import dev.berth.core.metadata.MetadataStores;
import dev.berth.core.digest.Digest;
import dev.berth.core.metadata.BlobLink;
import dev.berth.core.error.OciErrorCode;
import dev.berth.core.error.RegistryException;
import dev.berth.core.manifest.Descriptor;
import dev.berth.core.metadata.ManifestDependencies;
import dev.berth.core.metadata.ManifestRecord;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.name.Tag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The interleavings of writes to one registry, each forced with latches: the first transaction is held
 * right after it locks the registry's row, the second is started and must wait behind it (it is seen
 * blocked, and not finished, while the first is held), then the first is let go. Each test names which
 * transaction goes first and checks the outcome that {@code docs/consistency.md} promises for that order.
 */
abstract class RegistryWriteInterleavingTest {
    private static final Instant LONG_AGO = Instant.parse("2025-01-01T00:00:00Z");
    private static final RepositoryName APP = RepositoryName.parse("acme/app");
    private static final Tag V2 = Tag.parse("v2");

    private MutableClock clock;
    private Database database;
    private MetadataStores store;
    private H2TenantStore tenants;
    private final Digest layer = digest("layer shared by v1 and v2");
    /** Holds the first transaction once it has locked the registry's row. */
    private Interleaving interleaving;

    private final TestEngine engine;
    /** The test's own temporary directory, where the embedded database lives. */
    @TempDir
    Path scratch;

    protected RegistryWriteInterleavingTest(TestEngine engine) {
        this.engine = engine;
    }

    @BeforeEach
    void setUp() throws Exception {
        clock = new MutableClock(LONG_AGO);
        database = engine.open(scratch);
        interleaving = new Interleaving(engine.lockWait());
        store = H2MetadataStores.over(database, clock);
        tenants = new H2TenantStore(database, clock);
        tenants.create("acme", false, null, LONG_AGO);
        // v1 links the layer long ago, past any grace period, and is the artifact a retention job deletes.
        store.blobLinks().linkBlobs(List.of(new BlobLink(APP, layer, 100)), d -> true);
        store.manifests().putManifest(APP, manifest("v1"), List.of(Tag.parse("v1")), ManifestDependencies.NONE);
        clock.advance(Duration.ofDays(1));
        database.onRegistryLocked(registry -> interleaving.hold());
    }

    @AfterEach
    void tearDown() {
        if (database != null) {
            database.onRegistryLocked(registry -> { });
            database.close();
        }
    }

    // --- a manifest push that reuses a layer, against the delete of the artifact that linked it (v1)

    @Test
    void aManifestPushThatLocksFirstKeepsItsLayerThroughTheDelete() throws Exception {
        ManifestRecord v2 = manifest("v2");
        store.manifests().deleteManifest(APP, manifest("v1").digest());

        Interleaving run = interleaving.first(() -> {
            store.manifests().putManifest(APP, v2, List.of(V2), needsLayer());
            return null;
        }).thenBlocked(this::unlinkWhatTheDeleteLeft);

        run.firstResult();
        List<Digest> unlinked = run.secondResult();
        assertThat(unlinked).isEmpty();
        assertThat(store.tags().resolveTag(APP, V2)).contains(v2.digest());
        assertThat(store.blobLinks().linkedBlobSize(APP, layer)).hasValue(100);
    }

    @Test
    void aDeleteThatLocksFirstMakesTheManifestPushFailAndStoresNothingOfIt() throws Exception {
        ManifestRecord v2 = manifest("v2");

        store.manifests().deleteManifest(APP, manifest("v1").digest());

        Interleaving run = interleaving.first(this::unlinkWhatTheDeleteLeft).thenBlocked(() -> {
            store.manifests().putManifest(APP, v2, List.of(V2), needsLayer());
            return null;
        });

        List<Digest> unlinked = run.firstResult();
        assertThat(unlinked).containsExactly(layer);
        assertThatThrownBy(run::secondResult).cause().isInstanceOfSatisfying(RegistryException.class,
                e -> assertThat(e.ociCode()).contains(OciErrorCode.MANIFEST_BLOB_UNKNOWN));
        assertThat(store.manifests().manifest(APP, v2.digest())).isEmpty();
        assertThat(store.tags().resolveTag(APP, V2)).isEmpty();
        assertThat(store.blobLinks().linkedBlobSize(APP, layer)).isEmpty();
    }

    // --- a push into a registry, against the registry's deletion

    @Test
    void aPushAfterTheRegistryDeletionLocksFirstLinksNothingAndTheNameComesBackEmpty() throws Exception {
        Interleaving run = interleaving.first(() -> tenants.delete("acme")).thenBlocked(() -> {
            store.blobLinks().linkBlobs(List.of(new BlobLink(RepositoryName.parse("acme/other"), digest("new layer"), 5)), d -> true);
            return null;
        });

        boolean deleted = run.firstResult();
        assertThat(deleted).isTrue();
        assertThatThrownBy(run::secondResult).cause().isInstanceOfSatisfying(RegistryException.class,
                e -> assertThat(e.ociCode()).contains(OciErrorCode.NAME_UNKNOWN));
        assertComesBackEmpty();
    }

    @Test
    void aPushThatLocksFirstIsDeletedWithTheRegistryAndTheNameComesBackEmpty() throws Exception {
        Interleaving run = interleaving.first(() -> {
            store.manifests().putManifest(RepositoryName.parse("acme/other"), manifest("other"), List.of(V2), ManifestDependencies.NONE);
            return null;
        }).thenBlocked(() -> tenants.delete("acme"));

        run.firstResult();
        boolean deleted = run.secondResult();
        assertThat(deleted).isTrue();
        assertComesBackEmpty();
    }

    private void assertComesBackEmpty() {
        tenants.create("acme", true, null, clock.instant());
        assertThat(tenants.find("acme").orElseThrow().repoCount()).isZero();
        assertThat(tenants.find("acme").orElseThrow().storageUsedBytes()).isZero();
        assertThat(store.repositories().listRepositories(null, 10)).isEmpty();
        assertThat(store.tags().resolveTag(RepositoryName.parse("acme/other"), V2)).isEmpty();
        assertThat(store.tags().resolveTag(APP, Tag.parse("v1"))).isEmpty();
    }

    /**
     * The second transaction of {@code RegistryService.deleteManifest}, after the manifest's own: unlinking
     * the blobs that nothing references any more (and that were linked before the grace period).
     */
    private List<Digest> unlinkWhatTheDeleteLeft() {
        return store.blobLinks().unlinkUnreferencedBlobs(APP, clock.instant().minus(Duration.ofHours(1)), null);
    }

    private ManifestDependencies needsLayer() {
        return new ManifestDependencies(List.of(new Descriptor("application/vnd.oci.image.layer.v1.tar", layer, 100, null, null)),
                List.of());
    }

    private ManifestRecord manifest(String seed) {
        return new ManifestRecord(digest("manifest " + seed), "application/vnd.oci.image.manifest.v1+json", 10,
                List.of(layer), null, null, Map.of(), LONG_AGO);
    }

    private static Digest digest(String seed) {
        return Digest.sha256Of(seed.getBytes(StandardCharsets.UTF_8));
    }

    /** Two transactions on their own threads; the first is held once it locks the registry until the second waits. */
}
