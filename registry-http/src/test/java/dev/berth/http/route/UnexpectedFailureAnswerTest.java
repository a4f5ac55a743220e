package dev.berth.http.route;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.core.error.RegistryException;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code /v2} handler that fails unexpectedly, or with a failure {@code /v2} has no code for, is answered 500
 * with a reference and nothing of the cause.
 */
class UnexpectedFailureAnswerTest {
    private EmbeddedChannel channel;

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    @Test
    void answersUnknownWithAReferenceAndClosesTheConnection() throws Exception {
        connect(new IllegalStateException("jdbc:h2:/secret/path broke"));

        assertAnsweredUnknownWithAReference();
    }

    @Test
    void answersAFailureWithoutAnOciCodeAsUnexpected() throws Exception {
        connect(RegistryException.conflict("REGISTRY_EXISTS", "registry 'secret' already exists"));

        assertAnsweredUnknownWithAReference();
    }

    private void connect(RuntimeException failure) {
        channel = new EmbeddedChannel(new HttpServerCodec(), new HttpServerKeepAliveHandler(),
                new RegistryRequestHandler(request -> new AggregatingExchange(request, OciAdmission.ANYONE, failing -> {
                    throw failure;
                }, Runnable::run, 16)));
    }

    private void assertAnsweredUnknownWithAReference() throws Exception {
        channel.writeInbound(Unpooled.copiedBuffer("GET /v2/acme/app/manifests/latest HTTP/1.1\r\nHost: r\r\n\r\n", StandardCharsets.US_ASCII));
        channel.runPendingTasks();

        String answer = OutboundText.drain(channel);
        assertThat(answer).startsWith("HTTP/1.1 500 ").contains("connection: close").doesNotContain("secret", "IllegalState", "REGISTRY_EXISTS");
        JsonNode error = new ObjectMapper().readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4)).at("/errors/0");
        assertThat(error.path("code").asText()).isEqualTo("UNKNOWN");
        assertThat(error.path("message").asText()).matches("internal server error \\(ref [0-9a-f]{12}\\)");
        assertThat(channel.isOpen()).isFalse();
    }
}
