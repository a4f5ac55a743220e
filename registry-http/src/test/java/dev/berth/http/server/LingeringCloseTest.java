package dev.berth.http.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link LingeringClose} on a real socket: a close lets the client finish sending; a stop closes at once. */
class LingeringCloseTest {
    private final EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final CompletableFuture<Channel> accepted = new CompletableFuture<>();
    private Channel listener;

    @AfterEach
    void stop() {
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void aCloseEndsTheAnswerButReadsOnUntilTheClientCloses() throws Exception {
        try (Socket client = connect()) {
            Channel server = accepted.get(10, TimeUnit.SECONDS);

            ChannelFuture closed = server.close();

            InputStream in = client.getInputStream();
            assertThat(in.read()).as("the client sees the end of what the server sends").isEqualTo(-1);
            // Still read and dropped by the server: no reset, however much the client still sends.
            client.getOutputStream().write(new byte[1024 * 1024]);
            client.getOutputStream().flush();
            assertThat(closed.isDone()).isFalse();
            client.close();
            assertThat(closed.await(10, TimeUnit.SECONDS)).as("closed once the client closed").isTrue();
        }
    }

    @Test
    void aCloseAtOnceDoesNotWaitForTheClient() throws Exception {
        try (Socket client = connect()) {
            Channel server = accepted.get(10, TimeUnit.SECONDS);

            ChannelFuture closed = LingeringClose.closeAtOnce(server);

            assertThat(closed.await(LingeringClose.LINGER_MILLIS / 2, TimeUnit.MILLISECONDS))
                    .as("closed while the client still holds its side open").isTrue();
            assertThat(server.isOpen()).isFalse();
        }
    }

    @Test
    void aCloseAtOnceEndsALingeringConnection() throws Exception {
        try (Socket client = connect()) {
            Channel server = accepted.get(10, TimeUnit.SECONDS);
            ChannelFuture lingering = server.close();
            assertThat(client.getInputStream().read()).isEqualTo(-1);

            LingeringClose.closeAtOnce(server);

            assertThat(lingering.await(LingeringClose.LINGER_MILLIS / 2, TimeUnit.MILLISECONDS)).isTrue();
            assertThat(server.isOpen()).isFalse();
        }
    }

    private Socket connect() throws Exception {
        listener = new ServerBootstrap().group(loops).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(new LingeringClose(), new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelActive(ChannelHandlerContext ctx) {
                                accepted.complete(ctx.channel());
                            }
                        });
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
        Socket client = new Socket();
        client.setSoTimeout(10_000);
        client.connect((InetSocketAddress) listener.localAddress(), 10_000);
        return client;
    }
}
