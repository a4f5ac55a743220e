package dev.berth.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.conformance.RegistryClient.Image;
import dev.berth.conformance.RegistryProcess.CommandRun;
import dev.berth.storage.testing.PostgresServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;

import static dev.berth.conformance.OciAssertions.assertPullsWhole;
import static dev.berth.conformance.OciAssertions.assertStatus;
import static dev.berth.conformance.OciAssertions.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The server with its metadata in a real PostgreSQL database ({@code --metadata-url}): pushes, pulls and the
 * management API work, the rows are in PostgreSQL (the data directory holds no embedded database), everything
 * survives a {@code kill -9}, {@code /healthz} names the engine, and the data directory stays bound to that
 * database: a start without {@code --metadata-url}, which would serve an empty registry and let the collector take
 * every blob for garbage, is refused, and {@code check} runs against the same database. Skipped where PostgreSQL
 * is not installed; {@code .ci/run} installs it.
 */
class PostgresMetadataTest {
    @BeforeAll
    static void requirePostgres() throws Exception {
        assumeTrue(PostgresServer.shared().isPresent(), "PostgreSQL is not installed (apt-get install postgresql)");
    }

    @Test
    void keepsEverythingInPostgresqlAcrossAKillAndBindsTheDataDirectoryToIt() throws Exception {
        String url = PostgresServer.shared().orElseThrow().newDatabaseUrl();
        String urlWithUser = url + "?user=" + PostgresServer.USER;
        try (RegistryProcess server = RegistryProcess.startWithOptions(List.of("--metadata-url", urlWithUser))) {
            HttpResponse<byte[]> healthz = server.anonymousClient().get("/healthz");
            assertStatus(healthz, 200);
            JsonNode health = json(healthz);
            assertThat(health.get("status").asText()).isEqualTo("ok");
            assertThat(health.at("/backends/metadata/engine").asText()).isEqualTo("postgresql");
            assertThat(health.at("/backends/metadata/status").asText()).isEqualTo("ok");
            assertThat(health.at("/backends/blobs/engine").asText()).isEqualTo("fs");

            String registry = server.management().newRegistry("pg");
            Image image = server.client().pushImage(registry + "/app", "v1", 2);
            assertPullsWhole(server.client(), image, "v1");
            assertThat(Files.exists(server.dataDir().resolve("meta"))).as("an embedded database").isFalse();
            assertThat(count(url, "SELECT COUNT(*) FROM manifests")).isEqualTo(1);
            assertThat(count(url, "SELECT COUNT(*) FROM tags WHERE name = 'v1'")).isEqualTo(1);

            server.killAndRestart();
            assertPullsWhole(server.client(), image, "v1");
            JsonNode repository = server.management().repository(registry, "app");
            assertThat(repository.get("name").asText()).isEqualTo("app");
            assertThat(server.management().storageUsed(registry)).isPositive();
            server.stop();

            CommandRun embedded = server.runCommand("--data-dir", server.dataDir().toString(), "--port", "0");
            assertThat(embedded.exitStatus()).as(embedded.stderr()).isEqualTo(1);
            assertThat(embedded.stderr()).contains("belongs to the metadata in PostgreSQL at " + url,
                    "--metadata-url " + url);
            assertThat(Files.exists(server.dataDir().resolve("meta"))).as("an embedded database").isFalse();

            CommandRun check = server.runCommand("check", "--data-dir", server.dataDir().toString(),
                    "--metadata-url", urlWithUser);
            assertThat(check.exitStatus()).as(check.stdout() + check.stderr()).isZero();
            assertThat(check.stdout()).contains("no problems");
        }
    }

    private static long count(String url, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url, PostgresServer.USER, "");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
