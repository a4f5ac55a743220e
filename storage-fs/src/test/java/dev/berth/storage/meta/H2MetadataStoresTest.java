package dev.berth.storage.meta;

import dev.berth.core.digest.Digest;
import dev.berth.core.listing.PageRequest;
import dev.berth.core.metadata.BlobLink;
import dev.berth.core.metadata.ManifestDependencies;
import dev.berth.core.metadata.ManifestRecord;
import dev.berth.core.metadata.MetadataStores;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.name.Tag;
import dev.berth.core.usage.HistoryEvent;
import dev.berth.core.usage.PullRecord;
import dev.berth.core.user.Access;
import dev.berth.core.user.Permission;
import dev.berth.core.user.User;
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
 * restart, share their tables with the catalog, usage and user stores, and go with their registry's deletion.
 */
class H2MetadataStoresTest {
    private static final Instant NOW = Instant.parse("2025-03-04T05:06:07.123456Z");
    private static final RepositoryName ALPINE = RepositoryName.parse("library/alpine");
    private static final RepositoryName ACME_APP = RepositoryName.parse("acme/app");
    private static final RepositoryName ACME_WEB = RepositoryName.parse("acme/team/web");
    private static final RepositoryName BETA_APP = RepositoryName.parse("beta/app");

    @TempDir
    Path dataDir;
    private final TestClock clock = new TestClock(NOW);
    private Database database;
    private MetadataStores store;
    private H2TenantStore tenants;

    @BeforeEach
    void setUp() throws IOException {
        open();
        for (String registry : List.of("library", "acme", "beta")) {
            tenants.create(registry, false, null, NOW);
        }
    }

    @AfterEach
    void tearDown() {
        database.close();
    }

    private void open() throws IOException {
        database = Database.open(new DataLayout(dataDir));
        store = H2MetadataStores.over(database, clock);
        tenants = new H2TenantStore(database);
    }

    @Test
    void keepsItsDataWhenClosedAndReopened() throws IOException {
        ManifestRecord manifest = manifest("m");
        store.blobLinks().linkBlobs(List.of(new BlobLink(ALPINE, digest("layer"), 7)));
        store.manifests().putManifest(ALPINE, manifest, Tag.parse("latest"), ManifestDependencies.NONE);
        database.close();

        open();

        assertThat(store.blobLinks().linkedBlobSize(ALPINE, digest("layer"))).hasValue(7);
        assertThat(store.tags().resolveTag(ALPINE, Tag.parse("latest"))).contains(manifest.digest());
        assertThat(store.manifests().manifest(ALPINE, manifest.digest())).contains(manifest);
        assertThat(tenants.find("library").orElseThrow().storageUsedBytes()).isEqualTo(7);
    }

    @Test
    void deletesARepositoryWithItsPullCounter() {
        ManifestRecord manifest = manifest("m");
        store.manifests().putManifest(ACME_APP, manifest, null, ManifestDependencies.NONE);
        new H2UsageStore(database).recordPulls(List.of(new PullRecord(ACME_APP, manifest.digest(), null, 1, NOW)));
        H2CatalogStore catalog = new H2CatalogStore(database);
        assertThat(catalog.repository(ACME_APP).orElseThrow().pullCount()).isEqualTo(1);

        store.repositories().deleteRepository(ACME_APP);
        store.manifests().putManifest(ACME_APP, manifest, null, ManifestDependencies.NONE);

        assertThat(catalog.repository(ACME_APP).orElseThrow().pullCount()).isZero();
    }

    @Test
    void deletesARegistryWithEverythingInItAndThePermissionsOnIt() {
        H2UserStore users = new H2UserStore(database);
        H2UsageStore usage = new H2UsageStore(database);
        ManifestRecord manifest = manifest("m");
        for (RepositoryName repository : List.of(ACME_APP, ACME_WEB, BETA_APP)) {
            store.blobLinks().linkBlobs(List.of(new BlobLink(repository, digest("layer"), 100)));
            store.blobLinks().linkBlobs(List.of(new BlobLink(repository, manifest.digest(), 1)));
            store.manifests().putManifest(repository, manifest, Tag.parse("latest"), ManifestDependencies.NONE);
        }
        users.insert(new User("u-1", "ci", "", true, -1, null, NOW, NOW,
                List.of(new Permission("acme", Access.PUSH), new Permission("beta", Access.PULL)), "hash"));
        usage.appendHistory(List.of(new HistoryEvent(NOW, "acme", "push", "app", "latest", manifest.digest().value(), 1, "ci"),
                new HistoryEvent(NOW, "beta", "push", "app", "latest", manifest.digest().value(), 1, "ci")));

        assertThat(tenants.delete("acme")).isTrue();

        assertThat(tenants.find("acme")).isEmpty();
        assertThat(store.repositories().repositoryExists(ACME_APP)).isFalse();
        assertThat(store.repositories().repositoryExists(ACME_WEB)).isFalse();
        assertThat(store.manifests().manifest(ACME_APP, manifest.digest())).isEmpty();
        assertThat(store.tags().resolveTag(ACME_WEB, Tag.parse("latest"))).isEmpty();
        assertThat(store.blobLinks().linkedBlobSize(ACME_APP, digest("layer"))).isEmpty();
        assertThat(store.blobLinks().registryLinksBlob("acme", digest("layer"))).isFalse();
        assertThat(users.find("u-1").orElseThrow().permissions()).containsExactly(new Permission("beta", Access.PULL));
        assertThat(store.repositories().listRepositories(null, 10)).containsExactly(BETA_APP);
        assertThat(tenants.find("beta").orElseThrow().storageUsedBytes()).isEqualTo(101);
        assertThat(store.tags().resolveTag(BETA_APP, Tag.parse("latest"))).contains(manifest.digest());
        assertThat(usage.history("beta", null, new PageRequest(1, 10, null)).count()).isEqualTo(1);
        assertThat(tenants.delete("acme")).isFalse();

        tenants.create("acme", false, null, NOW);
        assertThat(tenants.find("acme").orElseThrow().storageUsedBytes()).isZero();
        assertThat(usage.history("acme", null, new PageRequest(1, 10, null)).count()).isZero();
        assertThat(tenants.find("acme").orElseThrow().repoCount()).isZero();
    }

    static ManifestRecord manifest(String seed) {
        return new ManifestRecord(digest(seed), "application/vnd.oci.image.manifest.v1+json", seed.length(),
                List.of(digest("config")), null, null, Map.of(), NOW);
    }

    static Digest digest(String seed) {
        return Digest.sha256Of(seed.getBytes(StandardCharsets.UTF_8));
    }
}
