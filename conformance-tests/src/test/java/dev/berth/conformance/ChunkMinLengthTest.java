package dev.berth.conformance;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.util.Arrays;

import static dev.berth.conformance.OciAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * spec.md, "Pushing a blob in chunks": "If the registry has a minimum chunk size, the {@code POST} response SHOULD
 * include" {@code OCI-Chunk-Min-Length: <size>}, and a client's chunks, but the last, "SHOULD be greater or equal
 * to that value". Berth has a minimum only when its operator sets one ({@code --chunk-min-length}; without it
 * {@code PushWorkflowTest} shows the header absent and one-byte chunks taken).
 */
class ChunkMinLengthTest {
    private static final int MIN = 1024;

    @RegisterExtension
    static final RegistryExtension registry = RegistryExtension.perClass("--chunk-min-length", "1k");

    @Test
    void thePostThatOpensASessionAdvertisesTheMinimumAndAnUploadHonouringItCompletes() {
        String repo = Content.randomRepo("chunkmin");
        HttpResponse<byte[]> post = registry.client().startUpload(repo);
        assertStatus(post, 202);
        assertThat(post.headers().firstValue("OCI-Chunk-Min-Length")).contains(Integer.toString(MIN));

        Content.Blob blob = Content.randomBlob(MIN * 3 - 5);
        String location = post.headers().firstValue("Location").orElseThrow();
        for (int offset = 0; offset < blob.size(); offset += MIN) {
            byte[] chunk = Arrays.copyOfRange(blob.bytes(), offset, Math.min(blob.size(), offset + MIN));
            HttpResponse<byte[]> patch = registry.client().patchChunk(location, chunk, offset);
            assertStatus(patch, 202);
            assertThat(patch.headers().firstValue("OCI-Chunk-Min-Length")).as("only the POST carries it").isEmpty();
            location = patch.headers().firstValue("Location").orElseThrow();
        }
        assertStatus(registry.client().putUpload(location, blob.digest()), 201);
        assertThat(registry.client().getBlob(repo, blob.digest()).body()).isEqualTo(blob.bytes());
    }

    @Test
    void aMountThatFallsBackToASessionAdvertisesItTooAndAMonolithicPushHasNoSessionToAdvise() {
        String repo = Content.randomRepo("chunkmin");
        Content.Blob blob = Content.randomBlob(100);
        HttpResponse<byte[]> fallback = registry.client().mount(repo, blob.digest(), Content.randomRepo("nowhere"));
        assertStatus(fallback, 202);
        assertThat(fallback.headers().firstValue("OCI-Chunk-Min-Length")).contains(Integer.toString(MIN));

        HttpResponse<byte[]> monolithic = registry.client().postMonolithic(repo, blob.bytes(), blob.digest());
        assertStatus(monolithic, 201);
        assertThat(monolithic.headers().firstValue("OCI-Chunk-Min-Length")).isEmpty();
    }

    @Test
    void aSmallerChunkIsStillTakenBecauseTheMinimumIsAdviceToClients() {
        String repo = Content.randomRepo("chunkmin");
        String location = registry.client().startUpload(repo).headers().firstValue("Location").orElseThrow();
        Content.Blob blob = Content.randomBlob(10);
        HttpResponse<byte[]> small = registry.client().patchChunk(location, Arrays.copyOf(blob.bytes(), 4), 0);
        assertStatus(small, 202);
        location = small.headers().firstValue("Location").orElseThrow();
        HttpResponse<byte[]> last = registry.client().patchChunk(location, Arrays.copyOfRange(blob.bytes(), 4, 10), 4);
        assertStatus(last, 202);
        assertStatus(registry.client().putUpload(last.headers().firstValue("Location").orElseThrow(), blob.digest()), 201);
    }
}
