package dev.berth.http.server;

import dev.berth.core.auth.AccessPolicy;
import dev.berth.core.auth.AdminLogin;
import dev.berth.core.auth.Authenticator;
import dev.berth.core.auth.FailedLogins;
import dev.berth.core.auth.LoginThrottle;
import dev.berth.core.auth.SecretHasher;
import dev.berth.core.auth.SlowHashExecutor;
import dev.berth.core.auth.UserDirectory;
import dev.berth.core.catalog.CatalogService;
import dev.berth.core.cluster.CacheCoherence;
import dev.berth.core.cluster.ClusterMembership;
import dev.berth.core.gc.GarbageCollector;
import dev.berth.core.gc.RemovalPace;
import dev.berth.core.link.BlobLinker;
import dev.berth.core.metadata.MetadataStores;
import dev.berth.core.metadata.cache.MetadataCache;
import dev.berth.core.quota.QuotaLedger;
import dev.berth.core.registry.RegistryLimits;
import dev.berth.core.registry.RegistryService;
import dev.berth.core.session.ConsoleSessions;
import dev.berth.core.tenant.TenantService;
import dev.berth.core.thread.NamedDaemonThreads;
import dev.berth.core.upload.UploadSessionLimits;
import dev.berth.core.usage.HistoryRetention;
import dev.berth.core.usage.UsageRecorder;
import dev.berth.core.user.UserService;
import dev.berth.http.auth.Argon2AdminToken;
import dev.berth.http.auth.V2AccessGate;
import dev.berth.http.cluster.UploadForwarding;
import dev.berth.http.flow.UploadBuffers;
import dev.berth.http.metrics.MeteredExchanges;
import dev.berth.http.metrics.RegistryMetrics;
import dev.berth.http.route.ExchangeFactory;
import dev.berth.http.v2.V2Endpoints;
import dev.berth.management.ManagementApi;
import dev.berth.management.PublicAddress;
import dev.berth.storage.Storage;
import dev.berth.storage.cluster.PostgresCluster;

import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Everything the server answers with, built from its configuration: the storage, the services over it, the
 * pools that run blocking work and slow hashes, the housekeeping, and the routes the connections hand requests
 * to ({@link #exchanges()}). What is opened is closed in the reverse order; an opening that fails closes what
 * it had opened before it throws, so that a server that does not start leaves no database locked.
 */
final class RegistryServices implements AutoCloseable {
    /** Client addresses and user names the failed-login throttle remembers at most, each. */
    private static final long THROTTLED_KEYS = 100_000;
    /** How long closing waits for the blocking work still running. */
    private static final long BLOCKING_WORK_SECONDS = 5;

    private final ExchangeFactory exchanges;
    private final OpenedResources opened;

    private RegistryServices(ExchangeFactory exchanges, OpenedResources opened) {
        this.exchanges = exchanges;
        this.opened = opened;
    }

    /** Opens the storage under the configured data directory and builds the services over it. */
    static RegistryServices open(ServerConfig config) throws IOException {
        OpenedResources opened = new OpenedResources();
        try {
            return new RegistryServices(wire(config, opened), opened);
        } catch (IOException | RuntimeException | Error e) {
            opened.closeAfter(e);
            throw e;
        }
    }

    private static ExchangeFactory wire(ServerConfig config, OpenedResources opened) throws IOException {
        Clock clock = Clock.systemUTC();
        RegistryMetrics metrics = opened.add(new RegistryMetrics());
        Storage storage = opened.add(Storage.open(config.dataDir(),
                config.metadata().withCacheOf(config.memory().databaseCache()), config.blobBackend(), clock,
                config.minFreeBytes()));
        RegistryLimits limits = new RegistryLimits(RegistryLimits.DEFAULTS.maxManifestBytes(), config.uploadExpiry(),
                RegistryLimits.DEFAULTS.maxListPage(), config.gcGrace(), config.memory().manifestCache());
        Optional<PostgresCluster> cluster = storage.joinCluster(config.nodeAddress());
        cluster.ifPresent(opened::add);
        CacheCoherence coherence = cluster.<CacheCoherence>map(node -> node).orElse(CacheCoherence.SINGLE_PROCESS);
        ClusterMembership membership = cluster.<ClusterMembership>map(node -> node)
                .orElseGet(() -> ClusterMembership.single(storage.nodeId()));
        TenantService tenants = new TenantService(storage.tenantStore(), clock, coherence);
        tenants.ensureDefaultRegistry();
        MetadataCache metadataCache = new MetadataCache(coherence, config.memory().metadataCache());
        tenants.onDelete(metadataCache::invalidateRegistry);
        MetadataStores metadata = metadataCache.over(storage.metadataStores());
        Housekeeping housekeeping = opened.add(new Housekeeping());
        UsageRecorder usage = new UsageRecorder(storage.usageStore(), clock, housekeeping.usageFlushes());
        // The last batch: closed in reverse, it is written once the blocking work has stopped recording, before
        // the storage closes.
        opened.onClose(usage::flush);
        tenants.onDelete(usage::forgetRegistry);
        metrics.watch(usage);
        QuotaLedger quota = new QuotaLedger(tenants, metadata.blobLinks(), clock);
        BlobLinker linker = new BlobLinker(metadata.blobLinks(), quota, storage.blobStore());
        UploadSessionLimits uploads = new UploadSessionLimits(storage.uploadStore(), config.uploads().sessionsPerUser(),
                config.uploads().sessionsPerRegistry());
        RegistryService registry = new RegistryService(metadata, storage.blobStore(), uploads, tenants, quota, linker,
                usage, limits, clock);
        SecretHasher hasher = new SecretHasher();
        UserDirectory directory = new UserDirectory(coherence, storage.userStore());
        UserService users = new UserService(storage.userStore(), directory, tenants, hasher, clock, coherence);
        users.loadDirectory();
        tenants.onDelete(users::registryDeleted);
        Argon2AdminToken adminToken = Argon2AdminToken.initialise(storage.userStore(), config.adminToken(), System.out,
                storage.consoleSessionStore()::deleteAll);
        ServerConfig.LoginLimits loginLimits = config.logins();
        FailedLogins failedLogins = new FailedLogins(
                new LoginThrottle(loginLimits.failuresPerAddress(), loginLimits.addressWindow(), THROTTLED_KEYS, clock),
                new LoginThrottle(loginLimits.failuresPerUser(), loginLimits.userWindow(), THROTTLED_KEYS, clock), metrics);
        SlowHashExecutor slowHashes = opened.add(new SlowHashExecutor(loginLimits.hashThreads(), loginLimits.hashQueue()));
        AdminLogin adminLogin = new AdminLogin(adminToken, failedLogins, slowHashes);
        Authenticator authenticator = new Authenticator(directory, hasher, adminLogin, failedLogins, clock,
                config.memory().credentialCache());
        V2AccessGate gate = new V2AccessGate(authenticator, new AccessPolicy(tenants));
        CatalogService catalog = new CatalogService(storage.catalogStore(), metadata, storage.usageStore(),
                tenants, registry, usage, clock);
        ThreadPoolExecutor blocking = blockingPool();
        // Closed before the slow hashes: a login still waiting for its hash gets it rather than a dropped task.
        opened.onClose(() -> {
            blocking.shutdown();
            try {
                blocking.awaitTermination(BLOCKING_WORK_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        GarbageCollector collector = new GarbageCollector(metadataCache.over(storage.garbageStore()), storage.gcRunStore(),
                storage.blobStore(), metadata.repositories(), registry, config.gcGrace(),
                new RemovalPace(linker::linkCount, config.gcBusyRate()), config.nodeAddress(), housekeeping.collections(),
                clock);
        metrics.watch(collector);
        housekeeping.start(registry, usage, config.uploadExpiry(), config.uploads().idleRelease());
        if (!config.gcInterval().isZero()) {
            housekeeping.startCollections(collector, config.gcInterval());
        }
        if (!config.historyRetention().isZero()) {
            housekeeping.startHistoryRetention(new HistoryRetention(storage.usageStore(), config.historyRetention(), clock),
                    config.historyRetention());
        }
        UploadBuffers uploadBuffers = new UploadBuffers(config.memory().uploadBuffers());
        metrics.watch(config.memory(), uploadBuffers);
        List.of(metadataCache.footprint(), registry.manifestCacheFootprint(), authenticator.footprint())
                .forEach(metrics::watch);
        return MeteredExchanges.wrap(new HttpRoutes(new V2Endpoints(registry, gate, blocking, metrics,
                new UploadForwarding(membership, config.tls() ? UploadForwarding.trusting(config.tlsCert()) : null),
                uploadBuffers, config.uploads().chunkMinLength()),
                new ManagementApi(tenants, users, catalog, collector, adminLogin,
                        new ConsoleSessions(storage.consoleSessionStore(), adminLogin, clock),
                        PublicAddress.of(config.publicUrl(), config.listeningAddress())), new HealthCheck(storage::health, membership, coherence), metrics,
                blocking), metrics);
    }

    /** The pool for blocking work: the disk and the metadata store. */
    private static ThreadPoolExecutor blockingPool() {
        int threads = Math.max(16, Runtime.getRuntime().availableProcessors() * 8);
        ThreadPoolExecutor blocking = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                new NamedDaemonThreads("berth-blocking"));
        blocking.allowCoreThreadTimeOut(true);
        return blocking;
    }

    /** The routes of every request: {@code /v2}, {@code /api/v1}, probes and metrics, metered. */
    ExchangeFactory exchanges() {
        return exchanges;
    }

    /** Stops the blocking work (bounded), the housekeeping, and closes the storage, after a last usage batch. */
    @Override
    public void close() {
        opened.close();
    }
}
