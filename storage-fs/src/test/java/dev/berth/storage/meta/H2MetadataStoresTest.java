package dev.berth.storage.meta;

import dev.berth.core.testing.MutableClock;
import dev.berth.core.digest.Digest;
import dev.berth.core.metadata.BlobLink;
import dev.berth.core.metadata.ManifestDependencies;
import dev.berth.core.metadata.ManifestRecord;
import dev.berth.core.metadata.MetadataStores;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.name.Tag;
import dev.berth.storage.layout.DataLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the H2 metadata stores do beyond their ports' contracts: they keep what they committed across a
 * restart, which only a store with a database file to open again can show. What they do in one database
 * with the tenant, user, catalog and usage stores is in the contracts ({@code H2StoresContractTest}).
 */
class H2MetadataStoresTest {
    private static final Instant NOW = Instant.parse("2025-03-04T05:06:07.123456Z");
    private static final RepositoryName ALPINE = RepositoryName.parse("library/alpine");

    @TempDir
    Path dataDir;
    private final MutableClock clock = new MutableClock(NOW);
    private Database database;
    private MetadataStores store;
    private H2TenantStore tenants;

    @BeforeEach
    void setUp() throws IOException {
        open();
        tenants.create("library", false, null, NOW);
    }

    @AfterEach
    void tearDown() {
        database.close();
    }

    private void open() throws IOException {
        database = Database.open(new DataLayout(dataDir));
        store = H2MetadataStores.over(database, clock);
        tenants = new H2TenantStore(database, clock);
    }

    @Test
    void keepsItsDataWhenClosedAndReopened() throws IOException {
        ManifestRecord manifest = manifest("m");
        store.blobLinks().linkBlobs(List.of(new BlobLink(ALPINE, digest("layer"), 7)), d -> true);
        store.manifests().putManifest(ALPINE, manifest, List.of(Tag.parse("latest")), ManifestDependencies.NONE);
        database.close();

        open();

        assertThat(store.blobLinks().linkedBlobSize(ALPINE, digest("layer"))).hasValue(7);
        assertThat(store.tags().resolveTag(ALPINE, Tag.parse("latest"))).contains(manifest.digest());
        assertThat(store.manifests().manifest(ALPINE, manifest.digest())).contains(manifest);
        assertThat(tenants.find("library").orElseThrow().storageUsedBytes()).isEqualTo(7);
    }

    static ManifestRecord manifest(String seed) {
        return new ManifestRecord(digest(seed), "application/vnd.oci.image.manifest.v1+json", seed.length(),
                List.of(digest("config")), null, null, Map.of(), NOW);
    }

    static Digest digest(String seed) {
        return Digest.sha256Of(seed.getBytes(StandardCharsets.UTF_8));
    }
}
