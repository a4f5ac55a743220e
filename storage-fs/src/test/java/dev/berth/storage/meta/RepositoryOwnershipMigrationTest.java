package dev.berth.storage.meta;

import dev.berth.core.metadata.MetadataStores;
import dev.berth.core.digest.Digest;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.name.Tag;
import dev.berth.core.tenant.TenantRegistry;
import dev.berth.storage.layout.DataLayout;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Migration V3 on a database of version 2 that holds what version 3 forbids: repositories without a
 * registry row (data from before registries, or left by a race with a deletion) and a repository named
 * without a repository part. Nothing that can be kept is lost: the former join registries made for them,
 * the latter is renamed, and the usage is counted again.
 */
class RepositoryOwnershipMigrationTest {
    private static final Instant T0 = Instant.parse("2025-01-02T03:04:05Z");

    @TempDir
    Path dataDir;

    @Test
    void givesOrphanRepositoriesARegistryRenamesNamesWithoutARepositoryPartAndCountsUsageAgain() throws Exception {
        DataLayout layout = new DataLayout(dataDir);
        Files.createDirectories(layout.metaDir());
        JdbcDataSource source = new JdbcDataSource();
        source.setURL("jdbc:h2:file:" + layout.metaDatabase());
        source.setUser("berth");
        Flyway.configure().dataSource(source).locations("classpath:db/migration/berth", "classpath:db/migration/h2").target("2").load().migrate();
        try (Connection c = source.getConnection()) {
            Database.update(c, "INSERT INTO registries (name, is_public, storage_used_bytes, created_at, updated_at) "
                    + "VALUES ('acme', TRUE, 0, ?, ?)", T0, T0);
            long acme = Database.registryId(c, "acme");
            repository(c, 1, "legacy/app", null);
            repository(c, 2, "legacy/team/web", null);
            repository(c, 3, "acme", acme);
            repository(c, 4, "acme/app", acme);
            for (long id = 1; id <= 4; id++) {
                Database.update(c, "INSERT INTO blob_links (repository_id, digest, size, linked_at) VALUES (?, ?, 10, ?)",
                        id, digest("shared").value(), T0);
            }
            Database.update(c, "INSERT INTO blob_links (repository_id, digest, size, linked_at) VALUES (1, ?, 5, ?)",
                    digest("own").value(), T0);
            Database.update(c, "INSERT INTO manifests (repository_id, digest, media_type, size, pushed_at) VALUES (3, ?, "
                    + "'application/vnd.oci.image.manifest.v1+json', 2, ?)", digest("m").value(), T0);
            Database.update(c, "INSERT INTO tags (repository_id, name, digest, pushed_at) VALUES (3, 'v1', ?, ?)",
                    digest("m").value(), T0);
        }

        try (Database database = Database.open(layout)) {
            MetadataStores store = H2MetadataStores.over(database, Clock.fixed(T0, ZoneOffset.UTC));
            H2TenantStore tenants = new H2TenantStore(database, Clock.fixed(T0, ZoneOffset.UTC));

            TenantRegistry legacy = tenants.find("legacy").orElseThrow();
            assertThat(legacy.isPublic()).isFalse();
            assertThat(legacy.storageLimitBytes()).isNull();
            assertThat(legacy.repoCount()).isEqualTo(2);
            assertThat(legacy.storageUsedBytes()).isEqualTo(15);
            assertThat(store.blobLinks().linkedBlobSize(RepositoryName.parse("legacy/app"), digest("own"))).hasValue(5);

            assertThat(store.tags().resolveTag(RepositoryName.parse("acme/acme"), Tag.parse("v1"))).contains(digest("m"));
            assertThat(tenants.find("acme").orElseThrow().repoCount()).isEqualTo(2);
            assertThat(tenants.find("acme").orElseThrow().storageUsedBytes()).isEqualTo(10);
            assertThat(store.repositories().listRepositories(null, 10)).extracting(RepositoryName::value)
                    .containsExactly("acme/acme", "acme/app", "legacy/app", "legacy/team/web");
        }
    }

    private static void repository(Connection c, long id, String name, Long registryId) throws Exception {
        Database.update(c, "INSERT INTO repositories (id, name, registry_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                id, name, registryId, T0, T0);
    }

    private static Digest digest(String seed) {
        return Digest.sha256Of(seed.getBytes(StandardCharsets.UTF_8));
    }
}
