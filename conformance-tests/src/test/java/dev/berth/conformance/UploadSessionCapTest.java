package dev.berth.conformance;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import static dev.berth.conformance.OciAssertions.assertStatus;
import static dev.berth.conformance.OciAssertions.errorCodes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A user cannot hold more open upload sessions than {@code --upload-sessions-per-user}: the next
 * {@code POST} is answered 429 {@code TOOMANYREQUESTS} naming the cap, until a session ends; a restart
 * counts the sessions it finds on disk.
 */
class UploadSessionCapTest {
    private static final int CAP = 3;

    @RegisterExtension
    final RegistryExtension registry = RegistryExtension.perMethodWithOptions("--upload-sessions-per-user", Integer.toString(CAP));

    /**
     * The sessions have had a chunk each: a session is written down when a chunk's request takes it, and only
     * those outlive a restart (one opened and left empty lives in memory, and its client opens another after a
     * restart).
     */
    @Test
    void refusesASessionBeyondTheCapUntilOneEndsAndAcrossARestart() {
        String repo = "library/" + ManagementClient.uniqueName("capped");
        String first = null;
        for (int i = 0; i < CAP; i++) {
            HttpResponse<byte[]> opened = registry.client().startUpload(repo);
            assertStatus(opened, 202);
            String location = opened.headers().firstValue("Location").orElseThrow();
            assertStatus(registry.client().patchChunk(location, new byte[] {(byte) i}, 0), 202);
            first = first == null ? location : first;
        }

        HttpResponse<byte[]> refused = registry.client().startUpload(repo);

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(errorCodes(refused)).containsExactly("TOOMANYREQUESTS");
        assertThat(new String(refused.body(), StandardCharsets.UTF_8))
                .contains("user 'admin' has " + CAP + " open upload sessions").contains("(" + CAP + ")");

        RegistryClient restarted = registry.restart();
        assertThat(restarted.startUpload(repo).statusCode()).as("after a restart").isEqualTo(429);
        assertStatus(restarted.cancelUpload(first), 204);
        assertStatus(restarted.startUpload(repo), 202);
    }
}
