package dev.berth.http.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The read timeouts on a connection whose clock the test moves: nothing here waits for real time. */
class RequestReadTimeoutsTest {
    private static final ConnectionLimits LIMITS = new ConnectionLimits(Duration.ofSeconds(30), Duration.ofSeconds(60),
            Duration.ofSeconds(60), 10, 10);
    private static final String GET = "GET /v2/ HTTP/1.1\r\nHost: registry\r\n\r\n";

    private final StubServer server = new StubServer();
    private EmbeddedChannel channel;

    @BeforeEach
    void connect() throws Exception {
        channel = new EmbeddedChannel(false, false);
        channel.config().setAutoRead(false);
        channel.pipeline().addLast(new HttpServerCodec(), new RequestReadTimeouts(LIMITS), server);
        channel.register();
        channel.freezeTime();
    }

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    @Test
    void closesAConnectionThatSendsNoRequestHeadWithinTheHeaderTimeout() {
        after(Duration.ofMillis(29_900));
        assertThat(channel.isOpen()).isTrue();

        after(Duration.ofMillis(200));
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void countsTheHeaderTimeoutFromTheOpeningHoweverTheHeadTrickles() {
        send("GET /v2/ HTTP/1.1\r\n");
        after(Duration.ofSeconds(20));
        send("Host: registry\r\n");
        after(Duration.ofSeconds(9));
        assertThat(channel.isOpen()).isTrue();

        after(Duration.ofSeconds(2));
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void keepsAnAnsweredConnectionForTheIdleTimeoutNotTheHeaderTimeout() {
        send(GET);
        assertThat(server.answered).isEqualTo(1);

        after(Duration.ofSeconds(59));
        assertThat(channel.isOpen()).isTrue();

        after(Duration.ofSeconds(2));
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void givesTheNextRequestHeadTheHeaderTimeoutFromItsFirstByte() {
        send(GET);
        after(Duration.ofSeconds(50));
        send("GET /v2/ HT");

        after(Duration.ofSeconds(29));
        assertThat(channel.isOpen()).isTrue();
        send("TP/1.1\r\nHost: registry\r\n\r\n");
        assertThat(server.answered).isEqualTo(2);

        after(Duration.ofSeconds(59));
        assertThat(channel.isOpen()).isTrue();
        send("GET /v2/ HT");
        after(Duration.ofSeconds(31));
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void neverCutsOffASlowBodyThatKeepsMoving() {
        send("PUT /upload HTTP/1.1\r\nHost: registry\r\nContent-Length: 100\r\n\r\n");
        for (int i = 0; i < 9; i++) {
            after(Duration.ofSeconds(50));
            send("0123456789");
        }
        assertThat(channel.isOpen()).isTrue();

        after(Duration.ofSeconds(61));
        assertThat(channel.isOpen()).isFalse();
        assertThat(server.answered).isZero();
    }

    @Test
    void doesNotCountTheTimeTheServerItselfIsNotReadingTheBody() {
        send("PUT /upload HTTP/1.1\r\nHost: registry\r\nContent-Length: 100\r\n\r\n");
        server.paused = true;
        send("0123456789");

        after(Duration.ofMinutes(10));
        assertThat(channel.isOpen()).isTrue();

        server.resume(channel);
        after(Duration.ofSeconds(59));
        assertThat(channel.isOpen()).isTrue();
        after(Duration.ofSeconds(2));
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void doesNotCountTheTimeTheServerTakesToAnswer() {
        server.holdAnswers = true;
        send(GET);

        after(Duration.ofMinutes(10));
        assertThat(channel.isOpen()).isTrue();

        server.answer(channel);
        after(Duration.ofSeconds(59));
        assertThat(channel.isOpen()).isTrue();
        after(Duration.ofSeconds(2));
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void doesNotTakeAnInterimContinueForTheAnswer() {
        server.holdAnswers = true;
        send("PUT /manifest HTTP/1.1\r\nHost: registry\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
        channel.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        after(Duration.ofSeconds(59));
        assertThat(channel.isOpen()).isTrue();

        after(Duration.ofSeconds(2));
        assertThat(channel.isOpen()).isFalse();
    }

    private void send(String bytes) {
        channel.writeInbound(Unpooled.copiedBuffer(bytes, StandardCharsets.US_ASCII));
        releaseOutbound();
    }

    private void after(Duration time) {
        channel.advanceTimeBy(time.toNanos(), TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();
        releaseOutbound();
    }

    private void releaseOutbound() {
        Object written;
        while ((written = channel.readOutbound()) != null) {
            ReferenceCountUtil.release(written);
        }
    }

    /**
     * Reads as the registry's handler does (auto-read off): on opening and after each read, unless paused or a
     * request awaits its answer; answers each request at the end of its body unless told to hold the answer.
     */
    private static final class StubServer extends ChannelInboundHandlerAdapter {
        boolean paused;
        boolean holdAnswers;
        int answered;
        private boolean awaitingAnswer;
        private ChannelHandlerContext ctx;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.read();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            boolean last = msg instanceof LastHttpContent;
            ReferenceCountUtil.release(msg);
            if (last) {
                awaitingAnswer = true;
                if (!holdAnswers) {
                    answer(null);
                }
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (!paused && !awaitingAnswer) {
                ctx.read();
            }
        }

        void resume(EmbeddedChannel channel) {
            paused = false;
            ctx.read();
            channel.runPendingTasks();
        }

        void answer(EmbeddedChannel channel) {
            DefaultFullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
            ctx.writeAndFlush(response).addListener(written -> {
                awaitingAnswer = false;
                answered++;
                ctx.read();
            });
            if (channel != null) {
                channel.runPendingTasks();
            }
        }
    }
}
