package dev.berth.http.route;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.core.blob.BlobStoreBusyException;
import dev.berth.core.error.RegistryException;
import dev.berth.http.testing.BlockingPool;
import dev.berth.http.testing.EmbeddedConnection;
import dev.berth.http.testing.EmbeddedConnection.Response;
import dev.berth.http.testing.ParanoidLeakDetection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.UncheckedIOException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code /v2} handler that fails unexpectedly, or with a failure {@code /v2} has no code for, is answered 500
 * with a reference and nothing of the cause; one the blob store caused by throttling is a 429 to retry.
 */
@ExtendWith(ParanoidLeakDetection.class)
class UnexpectedFailureAnswerTest {
    private final BlockingPool pool = new BlockingPool();
    private RuntimeException failure;
    private final EmbeddedConnection connection = new EmbeddedConnection(request -> new AggregatingExchange(request,
            OciAdmission.ANYONE, failing -> {
                throw failure;
            }, pool, 16), pool);

    @AfterEach
    void close() {
        connection.close();
    }

    @Test
    void answersUnknownWithAReferenceAndClosesTheConnection() throws Exception {
        failure = new IllegalStateException("jdbc:h2:/secret/path broke");

        assertAnsweredUnknownWithAReference();
    }

    @Test
    void answersAFailureWithoutAnOciCodeAsUnexpected() throws Exception {
        failure = RegistryException.conflict("REGISTRY_EXISTS", "registry 'secret' already exists");

        assertAnsweredUnknownWithAReference();
    }

    @Test
    void answersABlobStoreStillThrottlingAfterRetriesAsTooManyRequestsToRetry() throws Exception {
        failure = new UncheckedIOException(new BlobStoreBusyException("object store: read: SlowDown", null));

        connection.send("GET /v2/acme/app/manifests/latest HTTP/1.1\r\nHost: r\r\n\r\n");
        connection.runBlocking();

        Response answer = connection.response();
        assertThat(answer.status()).isEqualTo(429);
        assertThat(answer.header("Retry-After")).isEqualTo("2");
        assertThat(new ObjectMapper().readTree(answer.body()).at("/errors/0/code").asText()).isEqualTo("TOOMANYREQUESTS");
        assertThat(connection.isOpen()).isTrue();
    }

    private void assertAnsweredUnknownWithAReference() throws Exception {
        connection.send("GET /v2/acme/app/manifests/latest HTTP/1.1\r\nHost: r\r\n\r\n");
        connection.runBlocking();

        Response answer = connection.response();
        assertThat(answer.status()).isEqualTo(500);
        assertThat(answer.closesConnection()).isTrue();
        assertThat(answer.body()).doesNotContain("secret", "IllegalState", "REGISTRY_EXISTS");
        JsonNode error = new ObjectMapper().readTree(answer.body()).at("/errors/0");
        assertThat(error.path("code").asText()).isEqualTo("UNKNOWN");
        assertThat(error.path("message").asText()).matches("internal server error \\(ref [0-9a-f]{12}\\)");
        assertThat(connection.isOpen()).isFalse();
    }
}
