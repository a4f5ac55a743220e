package dev.berth.http.server;

import dev.berth.core.registry.RegistryLimits;
import dev.berth.core.registry.RegistryService;
import dev.berth.core.auth.AccessPolicy;
import dev.berth.core.auth.AdminLogin;
import dev.berth.core.auth.Authenticator;
import dev.berth.core.auth.FailedLogins;
import dev.berth.core.auth.LoginThrottle;
import dev.berth.core.auth.SlowHashExecutor;
import dev.berth.core.auth.SecretHasher;
import dev.berth.core.auth.UserDirectory;
import dev.berth.core.catalog.CatalogService;
import dev.berth.core.metadata.CachingMetadataStore;
import dev.berth.core.quota.QuotaLedger;
import dev.berth.core.tenant.TenantService;
import dev.berth.core.upload.UploadSessionLimits;
import dev.berth.core.usage.UsageRecorder;
import dev.berth.core.user.UserService;
import dev.berth.http.auth.Argon2AdminToken;
import dev.berth.http.auth.V2AccessGate;
import dev.berth.http.metrics.MeteredExchanges;
import dev.berth.http.metrics.RegistryMetrics;
import dev.berth.http.route.ExchangeFactory;
import dev.berth.http.v2.V2Endpoints;
import dev.berth.management.ManagementApi;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import dev.berth.storage.FsStorage;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;

import com.sun.management.UnixOperatingSystemMXBean;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Owns the server's life: the storage and the services over it, the event loops (epoll where the platform
 * has it), the pool for blocking work (disk and metadata store), the listening socket, the housekeeping
 * (upload expiry, usage batches), and an orderly stop that lets in-flight requests finish and writes the
 * last usage batch.
 */
public final class RegistryServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RegistryServer.class.getName());
    private static final long DRAIN_MILLIS = 10_000;
    /** File descriptors the process needs besides its connections: data files, the metadata store, refused connections. */
    private static final int FD_HEADROOM = 1024;
    /** Client addresses and user names the failed-login throttle remembers at most, each. */
    private static final long THROTTLED_KEYS = 100_000;

    private final ServerConfig config;
    private final FsStorage storage;
    private final RegistryService registry;
    private final UsageRecorder usage;
    private final RegistryMetrics metrics = new RegistryMetrics();
    private final ExchangeFactory routes;
    private final SslContext tls;
    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    private final ExecutorService blocking;
    private final SlowHashExecutor slowHashes;
    private final Housekeeping housekeeping = new Housekeeping();
    private final InFlightRequests inFlight = new InFlightRequests();
    private Channel listener;

    private RegistryServer(ServerConfig config) throws IOException {
        this.config = config;
        this.tls = config.tls() ? SslContextBuilder.forServer(config.tlsCert().toFile(), config.tlsKey().toFile()).build() : null;
        Clock clock = Clock.systemUTC();
        this.storage = FsStorage.open(config.dataDir(), clock, config.minFreeBytes());
        RegistryLimits limits = new RegistryLimits(RegistryLimits.DEFAULTS.maxManifestBytes(), config.uploadExpiry(),
                RegistryLimits.DEFAULTS.maxListPage(), config.deleteGrace());
        TenantService tenants = new TenantService(storage.tenantStore(), clock);
        tenants.ensureDefaultRegistry();
        CachingMetadataStore metadata = new CachingMetadataStore(storage.metadataStore());
        tenants.onDelete(metadata::invalidateRegistry);
        this.usage = new UsageRecorder(storage.usageStore(), clock, housekeeping.usageFlushes());
        tenants.onDelete(usage::forgetRegistry);
        metrics.watch(usage);
        QuotaLedger quota = new QuotaLedger(tenants, metadata, clock);
        UploadSessionLimits uploads = new UploadSessionLimits(storage.uploadStore(), config.uploads().sessionsPerUser(),
                config.uploads().sessionsPerRegistry());
        this.registry = new RegistryService(metadata, storage.blobStore(), uploads, tenants, quota, usage, limits, clock);
        SecretHasher hasher = new SecretHasher();
        UserDirectory directory = new UserDirectory();
        UserService users = new UserService(storage.userStore(), directory, tenants, hasher, clock);
        users.loadDirectory();
        tenants.onDelete(users::registryDeleted);
        Argon2AdminToken adminToken = Argon2AdminToken.initialise(storage.userStore(), config.adminToken(), System.out);
        ServerConfig.LoginLimits loginLimits = config.logins();
        FailedLogins failedLogins = new FailedLogins(
                new LoginThrottle(loginLimits.failuresPerAddress(), loginLimits.addressWindow(), THROTTLED_KEYS, clock),
                new LoginThrottle(loginLimits.failuresPerUser(), loginLimits.userWindow(), THROTTLED_KEYS, clock), metrics);
        this.slowHashes = new SlowHashExecutor(loginLimits.hashThreads(), loginLimits.hashQueue());
        AdminLogin adminLogin = new AdminLogin(adminToken, failedLogins, slowHashes);
        V2AccessGate gate = new V2AccessGate(new Authenticator(directory, hasher, adminLogin, failedLogins, clock),
                new AccessPolicy(tenants));
        CatalogService catalog = new CatalogService(storage.catalogStore(), metadata, storage.usageStore(),
                tenants, registry, usage);
        IoHandlerFactory io = Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.bossGroup = new MultiThreadIoEventLoopGroup(1, io);
        this.workerGroup = new MultiThreadIoEventLoopGroup(0, io);
        int threads = Math.max(16, Runtime.getRuntime().availableProcessors() * 8);
        this.blocking = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                new NamedDaemonThreads("berth-blocking"));
        ((ThreadPoolExecutor) blocking).allowCoreThreadTimeOut(true);
        this.routes = MeteredExchanges.wrap(new HttpRoutes(new V2Endpoints(registry, gate, blocking, metrics),
                new ManagementApi(tenants, users, catalog, adminLogin), metrics, blocking), metrics);
    }

    /** Opens the storage and starts listening; the returned server is serving. */
    public static RegistryServer start(ServerConfig config) throws IOException, InterruptedException {
        RegistryServer server = new RegistryServer(config);
        try {
            server.listen();
        } catch (IOException | RuntimeException | InterruptedException e) {
            server.close();
            throw e;
        }
        return server;
    }

    private void listen() throws IOException, InterruptedException {
        warnIfConnectionsCanExhaustFiles();
        Class<? extends ServerChannel> channelType = Epoll.isAvailable() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(channelType)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator(512, 16 * 1024, 256 * 1024))
                .childHandler(new RegistryChannelInitializer(routes, inFlight, tls, config.connections()));
        try {
            listener = bootstrap.bind(new InetSocketAddress(config.bind(), config.port())).sync().channel();
        } catch (Exception e) {
            if (e instanceof InterruptedException interrupted) {
                throw interrupted;
            }
            throw new IOException("cannot listen on " + config.bind() + ":" + config.port() + ": " + e.getMessage(), e);
        }
        housekeeping.start(registry, usage, config.uploadExpiry(), config.uploads().idleRelease());
    }

    /** Every connection holds a file descriptor: past the process's limit, accept fails for everyone. */
    private void warnIfConnectionsCanExhaustFiles() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean os) {
            long limit = os.getMaxFileDescriptorCount();
            int cap = config.connections().maxConnections();
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

    /** Stops accepting, lets in-flight requests finish (bounded), then releases everything. */
    @Override
    public void close() {
        try {
            if (listener != null) {
                listener.close().awaitUninterruptibly();
                if (!inFlight.awaitIdle(DRAIN_MILLIS)) {
                    LOG.log(System.Logger.Level.WARNING, "stopping with requests still in flight");
                }
                inFlight.closeAll();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            housekeeping.close();
            usage.flush();
            metrics.close();
            bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
            workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
            blocking.shutdown();
            slowHashes.close();
            try {
                blocking.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try {
                storage.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "closing the storage failed", e);
            }
        }
    }
}
