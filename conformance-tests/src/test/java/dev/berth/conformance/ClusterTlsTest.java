package dev.berth.conformance;

import dev.berth.conformance.Content.Blob;
import dev.berth.storage.s3.testing.S3ProxyServer;
import dev.berth.storage.testing.PostgresServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.berth.conformance.OciAssertions.assertStatus;
import static dev.berth.conformance.OciAssertions.requireHeader;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Two nodes of a cluster serving HTTPS with one certificate: a chunked upload started on one and continued on the
 * other completes, the request relayed over HTTPS to the node holding the session, which trusts the certificate it
 * serves itself. Skipped where PostgreSQL is not installed.
 */
class ClusterTlsTest {
    @TempDir
    Path certificates;

    @Test
    void nodesServingHttpsForwardUploadRequestsOverHttps() throws Exception {
        assumeTrue(PostgresServer.shared().isPresent(), "PostgreSQL is not installed (apt-get install postgresql)");
        ServerTls tls = ServerTls.selfSigned(certificates);
        S3ProxyServer s3 = S3ProxyServer.shared();
        List<String> options = List.of("--metadata-url",
                PostgresServer.shared().orElseThrow().newDatabaseUrl() + "?user=" + PostgresServer.USER,
                "--blob-store", "s3", "--s3-endpoint", s3.endpoint().toString(), "--s3-bucket", s3.newBucket(),
                "--s3-path-style");
        Map<String, String> environment = new HashMap<>(S3ProxyServer.credentialsEnvironment());
        environment.put("REGISTRY_ADMIN_TOKEN", Content.randomAlnum(32));
        try (RegistryProcess one = RegistryProcess.startWithTls(tls, options, environment);
             RegistryProcess two = RegistryProcess.startWithTls(tls, options, environment)) {
            Blob blob = Content.randomBlob(3 * 1024 * 1024);
            String location = requireHeader(one.client().startUpload("library/tls"), "Location");
            assertStatus(two.client().uploadStatus(location), 204);
            int half = blob.size() / 2;
            assertStatus(two.client().patchChunk(location, Arrays.copyOfRange(blob.bytes(), 0, half), 0), 202);
            assertStatus(two.client().putLastChunk(location, blob.digest(),
                    Arrays.copyOfRange(blob.bytes(), half, blob.size()), half), 201);
            assertThat(Content.sha256(one.client().getBlob("library/tls", blob.digest()).body())).isEqualTo(blob.digest());
        }
    }
}
