package dev.berth.http.server;

import dev.berth.core.error.OciErrorCode;
import dev.berth.core.error.RegistryException;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The connection caps on a real socket: the connection over a cap is answered 503 and closed, never left hanging. */
class ConnectionCapTest {
    private static final String GET = "GET /nothing HTTP/1.1\r\nHost: registry\r\n\r\n";
    private final EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private Channel listener;

    @AfterEach
    void stop() {
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
        loops.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void answersTheConnectionOverTheCapOfItsAddress503AndClosesIt() throws Exception {
        InetSocketAddress server = serve(10, 2);
        try (RawHttpConnection first = connectAndAsk(loopback(), server);
             RawHttpConnection second = connectAndAsk(loopback(), server);
             RawHttpConnection third = new RawHttpConnection(loopback(), server);
             RawHttpConnection elsewhere = connectAndAsk(InetAddress.getByName("127.0.0.2"), server)) {
            assertRefused(third);
        }
    }

    @Test
    void answersTheConnectionOverTheCapOfAllAddresses503AndClosesIt() throws Exception {
        InetSocketAddress server = serve(2, 10);
        try (RawHttpConnection first = connectAndAsk(loopback(), server);
             RawHttpConnection second = connectAndAsk(InetAddress.getByName("127.0.0.2"), server);
             RawHttpConnection third = new RawHttpConnection(InetAddress.getByName("127.0.0.3"), server)) {
            assertRefused(third);
        }
    }

    private static void assertRefused(RawHttpConnection connection) throws Exception {
        connection.send(GET);
        String head = connection.readHead();
        assertThat(head).startsWith("http/1.1 503 ").contains("retry-after: " + ConnectionRefusal.RETRY_AFTER_SECONDS)
                .contains("connection: close");
        assertThat(connection.readBody(head)).contains("\"TOOMANYREQUESTS\"");
        assertThat(connection.closedByServer()).isTrue();
    }

    /** A connection that has had an answer: the server has counted it. */
    private static RawHttpConnection connectAndAsk(InetAddress from, InetSocketAddress server) throws Exception {
        RawHttpConnection connection = new RawHttpConnection(from, server);
        connection.send(GET);
        assertThat(connection.readHead()).startsWith("http/1.1 404 ");
        return connection;
    }

    private InetSocketAddress serve(int maxConnections, int maxPerAddress) throws Exception {
        ConnectionLimits limits = new ConnectionLimits(Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(60),
                maxConnections, maxPerAddress);
        RegistryChannelInitializer initializer = new RegistryChannelInitializer(request -> {
            throw new RegistryException(OciErrorCode.NOT_FOUND, "nothing here");
        }, new InFlightRequests(), null, limits);
        listener = new ServerBootstrap().group(loops).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(initializer)
                .bind(new InetSocketAddress(0)).sync().channel();
        return new InetSocketAddress(loopback(), ((InetSocketAddress) listener.localAddress()).getPort());
    }

    private static InetAddress loopback() {
        return InetAddress.getLoopbackAddress();
    }
}
