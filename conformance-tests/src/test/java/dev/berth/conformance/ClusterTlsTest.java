package dev.berth.conformance;

import dev.berth.conformance.Content.Blob;
import dev.berth.storage.testing.PostgresServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;

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
        SharedStorage shared = SharedStorage.fresh();
        try (RegistryProcess one = RegistryProcess.startWithTls(tls, shared.options(), shared.environment());
             RegistryProcess two = RegistryProcess.startWithTls(tls, shared.options(), shared.environment())) {
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
