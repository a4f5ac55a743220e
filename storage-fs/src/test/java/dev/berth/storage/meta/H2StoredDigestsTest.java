package dev.berth.storage.meta;

import dev.berth.core.testing.MutableClock;
import dev.berth.core.digest.Digest;
import dev.berth.core.metadata.BlobLink;
import dev.berth.core.metadata.ManifestDependencies;
import dev.berth.core.metadata.ManifestRecord;
import dev.berth.core.metadata.MetadataStores;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.name.Tag;
import dev.berth.core.testing.InMemoryBlobStore;
import dev.berth.storage.layout.DataLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static dev.berth.storage.meta.H2MetadataStoresTest.digest;
import static dev.berth.storage.meta.H2MetadataStoresTest.manifest;
import static org.assertj.core.api.Assertions.assertThat;

class H2StoredDigestsTest {
    private static final Instant NOW = Instant.parse("2025-03-04T05:06:07Z");
    private static final RepositoryName ALPINE = RepositoryName.parse("library/alpine");
    private static final RepositoryName BUSYBOX = RepositoryName.parse("library/busybox");
    private static final RepositoryName ACME_APP = RepositoryName.parse("acme/app");
    private static final RepositoryName ACME_WEB = RepositoryName.parse("acme/team/web");

    @TempDir
    Path dataDir;
    private Database database;
    private MetadataStores store;
    private H2TenantStore tenants;
    private H2StoredDigests digests;

    @BeforeEach
    void setUp() throws IOException {
        database = Database.open(new DataLayout(dataDir));
        MutableClock clock = new MutableClock(NOW);
        store = H2MetadataStores.over(database, clock);
        tenants = new H2TenantStore(database, clock);
        digests = new H2StoredDigests(database, clock);
        tenants.create("library", false, null, NOW);
        tenants.create("acme", false, null, NOW);
    }

    @AfterEach
    void tearDown() {
        database.close();
    }

    @Test
    void namesEveryLinkedAndManifestDigestOnce() {
        ManifestRecord manifest = manifest("m");
        store.blobLinks().linkBlobs(List.of(new BlobLink(ALPINE, digest("layer"), 1), new BlobLink(BUSYBOX, digest("layer"), 1)), d -> true);
        store.manifests().putManifest(ALPINE, manifest, List.of(), ManifestDependencies.NONE);
        List<Digest> named = new ArrayList<>();

        digests.forEach(named::add);

        assertThat(named).containsExactlyInAnyOrder(digest("layer"), manifest.digest());
    }

    @Test
    void findsTheNamedDigestsWhoseBlobIsMissing() throws IOException {
        ManifestRecord manifest = manifest("m");
        store.blobLinks().linkBlobs(List.of(new BlobLink(ALPINE, digest("stored"), 6), new BlobLink(ALPINE, digest("lost"), 4)), d -> true);
        store.manifests().putManifest(BUSYBOX, manifest, List.of(), ManifestDependencies.NONE);
        InMemoryBlobStore blobs = new InMemoryBlobStore();
        blobs.put(digest("stored"), "stored".getBytes(StandardCharsets.UTF_8));

        assertThat(digests.missingFrom(blobs)).containsExactlyInAnyOrder(digest("lost"), manifest.digest());
    }

    @Test
    void namesTheRepositoriesThatLinkADigestOrStoreAManifestUnderIt() {
        ManifestRecord manifest = manifest("m");
        store.blobLinks().linkBlobs(List.of(new BlobLink(BUSYBOX, manifest.digest(), 1), new BlobLink(ALPINE, manifest.digest(), 1)), d -> true);
        store.manifests().putManifest(ALPINE, manifest, List.of(), ManifestDependencies.NONE);
        store.manifests().putManifest(ACME_APP, manifest, List.of(), ManifestDependencies.NONE);

        assertThat(digests.repositoriesNaming(manifest.digest()))
                .containsExactly(ACME_APP.value(), ALPINE.value(), BUSYBOX.value());
        assertThat(digests.repositoriesNaming(digest("nowhere"))).isEmpty();
    }

    @Test
    void forgetsEveryRowThatNamesADigest() {
        ManifestRecord manifest = manifest("m");
        store.blobLinks().linkBlobs(List.of(new BlobLink(ALPINE, manifest.digest(), 10)), d -> true);
        store.manifests().putManifest(ALPINE, manifest, List.of(Tag.parse("latest")), ManifestDependencies.NONE);
        store.manifests().putManifest(BUSYBOX, manifest, List.of(), ManifestDependencies.NONE);

        assertThat(digests.forget(manifest.digest())).isEqualTo(3);

        assertThat(store.blobLinks().anyRepositoryLinking(manifest.digest())).isEmpty();
        assertThat(store.manifests().manifest(ALPINE, manifest.digest())).isEmpty();
        assertThat(store.manifests().manifest(BUSYBOX, manifest.digest())).isEmpty();
        assertThat(store.tags().resolveTag(ALPINE, Tag.parse("latest"))).isEmpty();
    }

    @Test
    void locksTheRegistriesItChangesAsEveryWriterOfTheirLinksDoes() {
        ManifestRecord manifest = manifest("m");
        store.blobLinks().linkBlobs(List.of(new BlobLink(ACME_APP, digest("lost"), 100)), d -> true);
        store.manifests().putManifest(ALPINE, manifest, List.of(), ManifestDependencies.NONE);
        store.blobLinks().linkBlobs(List.of(new BlobLink(BUSYBOX, digest("other"), 10)), d -> true);
        List<String> locked = new ArrayList<>();
        database.onRegistryLocked(locked::add);

        digests.forget(digest("lost"));
        assertThat(locked).containsExactly("acme");
        locked.clear();
        digests.forget(manifest.digest());
        assertThat(locked).containsExactly("library");
    }

    @Test
    void givesBackTheUsageOfABlobThatRecoveryForgets() {
        store.blobLinks().linkBlobs(List.of(new BlobLink(ACME_APP, digest("lost"), 100)), d -> true);
        store.blobLinks().linkBlobs(List.of(new BlobLink(ACME_WEB, digest("lost"), 100)), d -> true);
        store.blobLinks().linkBlobs(List.of(new BlobLink(ACME_WEB, digest("kept"), 10)), d -> true);

        assertThat(digests.forget(digest("lost"))).isEqualTo(2);

        assertThat(tenants.find("acme").orElseThrow().storageUsedBytes()).isEqualTo(10);
        assertThat(store.blobLinks().registryLinksBlob("acme", digest("lost"))).isFalse();
    }
}
