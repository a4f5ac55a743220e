package dev.berth.http.route;

import dev.berth.core.error.OciErrorCode;
import dev.berth.core.error.RegistryException;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Executor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An aggregated route checks the caller from the request's head before it reads the body: a refused request
 * gets no {@code 100 Continue} and its body is never buffered; a body over the cap is refused before it is read.
 */
class AggregatingExchangeTest {
    private static final int CAP = 16;

    /** The blocking pool, run by hand so that the test sees what happens while a check is pending. */
    private final Queue<Runnable> blocking = new ArrayDeque<>();
    private final Executor pool = blocking::add;
    private final List<String> bodiesHandled = new ArrayList<>();
    private int checks;
    private EmbeddedChannel channel;

    @BeforeEach
    void connect() {
        BodyAdmission admission = new OciAdmission(request -> {
            checks++;
            if (!"letmein".equals(request.request().headers().get("Authorization"))) {
                throw new RegistryException(OciErrorCode.UNAUTHORIZED, "authentication required");
            }
        });
        V2Handler handler = request -> {
            bodiesHandled.add(new String(request.body(), StandardCharsets.UTF_8));
            request.respond(Responses.empty(HttpResponseStatus.CREATED));
        };
        channel = new EmbeddedChannel(new HttpServerCodec(), new HttpServerKeepAliveHandler(),
                new RegistryRequestHandler(request -> new AggregatingExchange(request, admission, handler, pool, CAP)));
    }

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    @Test
    void refusesAnUnauthenticatedRequestWithoutContinueAndClosesRatherThanReadItsBody() {
        send("PUT /v2/r/manifests/t HTTP/1.1\r\nHost: r\r\nExpect: 100-continue\r\nContent-Length: 10\r\n\r\n");
        assertThat(written()).isEmpty();

        runBlocking();

        String answer = written();
        assertThat(answer).startsWith("HTTP/1.1 401 ").doesNotContain("100 Continue").contains("connection: close");
        assertThat(channel.isOpen()).isFalse();
        assertThat(bodiesHandled).isEmpty();
    }

    @Test
    void continuesAndReadsTheBodyOnceTheCallerIsLetIn() {
        send("PUT /v2/r/manifests/t HTTP/1.1\r\nHost: r\r\nAuthorization: letmein\r\nExpect: 100-continue\r\nContent-Length: 10\r\n\r\n");
        assertThat(written()).isEmpty();

        runBlocking();
        assertThat(written()).startsWith("HTTP/1.1 100 Continue");
        send("0123456789");
        runBlocking();

        assertThat(written()).startsWith("HTTP/1.1 201 ");
        assertThat(bodiesHandled).containsExactly("0123456789");
    }

    @Test
    void dropsTheBodyOfARefusedRequestAndKeepsTheConnectionWhenTheBodyIsSmallAndOnItsWay() {
        send("PUT /v2/r/manifests/t HTTP/1.1\r\nHost: r\r\nContent-Length: 10\r\n\r\n01234");
        runBlocking();
        assertThat(written()).startsWith("HTTP/1.1 401 ").doesNotContain("connection: close");
        send("56789");

        send("PUT /v2/r/manifests/t HTTP/1.1\r\nHost: r\r\nAuthorization: letmein\r\nContent-Length: 2\r\n\r\nok");
        runBlocking();

        assertThat(written()).startsWith("HTTP/1.1 201 ");
        assertThat(bodiesHandled).containsExactly("ok");
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void refusesADeclaredLengthOverTheCapBeforeReadingOrCheckingAnything() {
        send("PUT /v2/r/manifests/t HTTP/1.1\r\nHost: r\r\nAuthorization: letmein\r\nExpect: 100-continue\r\nContent-Length: 17\r\n\r\n");

        assertThat(written()).startsWith("HTTP/1.1 413 ").doesNotContain("100 Continue").contains("connection: close");
        assertThat(checks).isZero();
        assertThat(blocking).isEmpty();
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void cutsOffAChunkedBodyThatGrowsPastTheCap() {
        send("PUT /v2/r/manifests/t HTTP/1.1\r\nHost: r\r\nAuthorization: letmein\r\nTransfer-Encoding: chunked\r\n\r\n");
        runBlocking();
        send("a\r\n0123456789\r\n");
        assertThat(written()).isEmpty();

        send("a\r\n0123456789\r\n");

        assertThat(written()).startsWith("HTTP/1.1 413 ").contains("connection: close");
        assertThat(channel.isOpen()).isFalse();
        assertThat(bodiesHandled).isEmpty();
    }

    @Test
    void checksARequestWithoutABodyTogetherWithItsHandling() {
        send("GET /v2/r/manifests/t HTTP/1.1\r\nHost: r\r\n\r\n");
        assertThat(blocking).hasSize(1);

        runBlocking();

        assertThat(written()).startsWith("HTTP/1.1 401 ").doesNotContain("connection: close");
        assertThat(checks).isEqualTo(1);
        assertThat(channel.isOpen()).isTrue();
    }

    private void send(String text) {
        channel.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
        channel.runPendingTasks();
    }

    /** Runs the pool's tasks and the event loop's until neither has any left. */
    private void runBlocking() {
        channel.runPendingTasks();
        while (!blocking.isEmpty()) {
            blocking.poll().run();
            channel.runPendingTasks();
        }
    }

    private String written() {
        return OutboundText.drain(channel);
    }
}
