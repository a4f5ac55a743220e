package dev.berth.http.server;

import com.sun.management.UnixOperatingSystemMXBean;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * Serves {@link RegistryServices} over HTTP: the event loops (epoll where the platform has it), the listening
 * socket, each connection's pipeline ({@link RegistryChannelInitializer}), and an orderly stop that lets
 * in-flight requests finish before the services close.
 */
public final class RegistryServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RegistryServer.class.getName());
    private static final long DRAIN_MILLIS = 10_000;
    /** File descriptors the process needs besides its connections: data files, the metadata store, refused connections. */
    private static final int FD_HEADROOM = 1024;

    private final RegistryServices services;
    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    private final InFlightRequests inFlight = new InFlightRequests();
    private final Channel listener;

    private RegistryServer(ServerConfig config, SslContext tls, RegistryServices services) throws IOException, InterruptedException {
        this.services = services;
        IoHandlerFactory io = Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.bossGroup = new MultiThreadIoEventLoopGroup(1, io);
        this.workerGroup = new MultiThreadIoEventLoopGroup(0, io);
        try {
            this.listener = listen(config, tls);
        } catch (IOException | RuntimeException | InterruptedException e) {
            stopEventLoops();
            throw e;
        }
    }

    /** Builds the services from the configuration and serves them; the returned server is listening. */
    public static RegistryServer start(ServerConfig config) throws IOException, InterruptedException {
        // Before the storage is opened: a certificate that cannot be used stops the start with nothing to undo.
        SslContext tls = config.tls() ? SslContextBuilder.forServer(config.tlsCert().toFile(), config.tlsKey().toFile()).build() : null;
        RegistryServices services = RegistryServices.open(config);
        try {
            return new RegistryServer(config, tls, services);
        } catch (IOException | RuntimeException | InterruptedException e) {
            services.close();
            throw e;
        }
    }

    private Channel listen(ServerConfig config, SslContext tls) throws IOException, InterruptedException {
        warnIfConnectionsCanExhaustFiles(config.connections());
        Class<? extends ServerChannel> channelType = Epoll.isAvailable() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(channelType)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator(512, 16 * 1024, 256 * 1024))
                .childHandler(new RegistryChannelInitializer(services.exchanges(), inFlight, tls, config.connections()));
        try {
            return bootstrap.bind(new InetSocketAddress(config.bind(), config.port())).sync().channel();
        } catch (Exception e) {
            if (e instanceof InterruptedException interrupted) {
                throw interrupted;
            }
            throw new IOException("cannot listen on " + config.bind() + ":" + config.port() + ": " + e.getMessage(), e);
        }
    }

    /** Every connection holds a file descriptor: past the process's limit, accept fails for everyone. */
    private static void warnIfConnectionsCanExhaustFiles(ConnectionLimits connections) {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean os) {
            long limit = os.getMaxFileDescriptorCount();
            int cap = connections.maxConnections();
            if (cap + FD_HEADROOM > limit) {
                LOG.log(System.Logger.Level.WARNING, "the connection cap of " + cap + " leaves fewer than " + FD_HEADROOM
                        + " of the process's " + limit + " file descriptors for everything else: raise the limit (ulimit -n) "
                        + "or lower --max-connections");
            }
        }
    }

    /** The address actually bound (the port is the real one when 0 was asked for). */
    public InetSocketAddress address() {
        return (InetSocketAddress) listener.localAddress();
    }

    /** Blocks until the listening socket is closed. */
    public void awaitClose() throws InterruptedException {
        listener.closeFuture().await();
    }

    /** Stops accepting, lets in-flight requests finish (bounded), closes the connections, then the services. */
    @Override
    public void close() {
        try {
            listener.close().awaitUninterruptibly();
            if (!inFlight.awaitIdle(DRAIN_MILLIS)) {
                LOG.log(System.Logger.Level.WARNING, "stopping with requests still in flight");
            }
            inFlight.closeAll();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stopEventLoops();
            services.close();
        }
    }

    private void stopEventLoops() {
        bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
