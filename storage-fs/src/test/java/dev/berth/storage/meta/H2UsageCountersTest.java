package dev.berth.storage.meta;

import dev.berth.core.testing.MutableClock;
import dev.berth.core.metadata.BlobLink;
import dev.berth.core.metadata.MetadataStores;
import dev.berth.core.name.RepositoryName;
import dev.berth.storage.layout.DataLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static dev.berth.storage.meta.H2MetadataStoresTest.digest;
import static org.assertj.core.api.Assertions.assertThat;

class H2UsageCountersTest {
    private static final Instant NOW = Instant.parse("2025-03-04T05:06:07Z");
    private static final RepositoryName ACME_APP = RepositoryName.parse("acme/app");
    private static final RepositoryName ACME_WEB = RepositoryName.parse("acme/web");
    private static final RepositoryName LIBRARY_ALPINE = RepositoryName.parse("library/alpine");

    @TempDir
    Path dataDir;
    private Database database;
    private MetadataStores store;
    private H2TenantStore tenants;
    private H2UsageCounters counters;

    @BeforeEach
    void setUp() throws IOException {
        database = Database.open(new DataLayout(dataDir));
        MutableClock clock = new MutableClock(NOW);
        store = H2MetadataStores.over(database, clock);
        tenants = new H2TenantStore(database, clock);
        counters = new H2UsageCounters(database);
        tenants.create("acme", false, null, NOW);
        tenants.create("library", false, null, NOW);
        tenants.create("empty", false, null, NOW);
        store.blobLinks().linkBlobs(List.of(new BlobLink(ACME_APP, digest("shared"), 100),
                new BlobLink(ACME_WEB, digest("shared"), 100), new BlobLink(ACME_WEB, digest("web"), 10),
                new BlobLink(LIBRARY_ALPINE, digest("alpine"), 7)), d -> true);
    }

    @AfterEach
    void tearDown() {
        database.close();
    }

    @Test
    void countersKeptByTheLinkStoreAgreeWithTheLinks() {
        assertThat(counters.blobCountsInDisagreement()).isEmpty();
        assertThat(counters.usedBytesInDisagreement()).isEmpty();
    }

    @Test
    void findsAWrongUsedBytesTotal() {
        execute("UPDATE registries SET storage_used_bytes = 999 WHERE name = 'acme'");

        assertThat(counters.usedBytesInDisagreement()).containsExactly(new H2UsageCounters.UsedBytes("acme", 999, 110));
        assertThat(counters.blobCountsInDisagreement()).isEmpty();
    }

    @Test
    void findsBlobCountsThatAreWrongMissingOrCountNoLink() {
        execute("UPDATE registry_blobs SET link_count = 1 WHERE digest = '" + digest("shared").value() + "'");
        execute("DELETE FROM registry_blobs WHERE digest = '" + digest("web").value() + "'");
        execute("INSERT INTO registry_blobs (registry_id, digest, size, link_count) "
                + "SELECT id, '" + digest("stray").value() + "', 5, 1 FROM registries WHERE name = 'library'");

        assertThat(counters.blobCountsInDisagreement()).containsExactlyInAnyOrder(
                new H2UsageCounters.BlobCount("acme", digest("shared").value(), 1, 100, 2, 100),
                new H2UsageCounters.BlobCount("acme", digest("web").value(), 0, 0, 1, 10),
                new H2UsageCounters.BlobCount("library", digest("stray").value(), 1, 5, 0, 0));
    }

    @Test
    void recountMakesEveryCounterAgreeWithTheLinksAgain() {
        execute("UPDATE registries SET storage_used_bytes = 999 WHERE name = 'acme'");
        execute("UPDATE registries SET storage_used_bytes = 3 WHERE name = 'empty'");
        execute("UPDATE registry_blobs SET link_count = 5 WHERE digest = '" + digest("shared").value() + "'");
        execute("DELETE FROM registry_blobs WHERE digest = '" + digest("alpine").value() + "'");

        counters.recountFromLinks();

        assertThat(counters.blobCountsInDisagreement()).isEmpty();
        assertThat(counters.usedBytesInDisagreement()).isEmpty();
        assertThat(tenants.find("acme").orElseThrow().storageUsedBytes()).isEqualTo(110);
        assertThat(tenants.find("library").orElseThrow().storageUsedBytes()).isEqualTo(7);
        assertThat(tenants.find("empty").orElseThrow().storageUsedBytes()).isZero();
        // The recounted rows are what unlinking counts down: the blob's last link gives its bytes back.
        store.blobLinks().unlinkBlob(ACME_APP, digest("shared"));
        store.blobLinks().unlinkBlob(ACME_WEB, digest("shared"));
        assertThat(tenants.find("acme").orElseThrow().storageUsedBytes()).isEqualTo(10);
    }

    private void execute(String sql) {
        database.transaction(c -> Database.update(c, sql));
    }
}
