package dev.berth.http.testing;

import dev.berth.core.auth.AccessPolicy;
import dev.berth.core.auth.AdminLogin;
import dev.berth.core.auth.Authenticator;
import dev.berth.core.auth.FailedLogins;
import dev.berth.core.auth.LoginThrottle;
import dev.berth.core.auth.SecretHasher;
import dev.berth.core.auth.SlowHashExecutor;
import dev.berth.core.auth.UserDirectory;
import dev.berth.core.cluster.CacheCoherence;
import dev.berth.core.cluster.ClusterMembership;
import dev.berth.core.link.BlobLinker;
import dev.berth.core.metadata.MetadataStores;
import dev.berth.core.metadata.cache.MetadataCache;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.quota.QuotaLedger;
import dev.berth.core.registry.RegistryLimits;
import dev.berth.core.registry.RegistryService;
import dev.berth.core.tenant.TenantService;
import dev.berth.core.upload.BlobUpload;
import dev.berth.core.upload.UploadSessionLimits;
import dev.berth.core.usage.UsageRecorder;
import dev.berth.core.user.Access;
import dev.berth.core.user.Permission;
import dev.berth.core.user.UserService;
import dev.berth.http.auth.V2AccessGate;
import dev.berth.http.cluster.UploadForwarding;
import dev.berth.http.flow.UploadBuffers;
import dev.berth.http.metrics.RegistryMetrics;
import dev.berth.http.v2.V2Endpoints;
import dev.berth.storage.Storage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * The services behind {@code /v2} over the real embedded storage in a temporary directory, wired as the server
 * wires them (without its listener, event loops and housekeeping): the default registry {@code library}, a
 * registry {@value #LIMITED} with a storage limit of {@value #LIMIT_BYTES} bytes, and two users, {@value #PUSHER}
 * (push on both) and {@value #PULLER} (pull on {@code library}).
 */
public final class RegistryFixture implements AutoCloseable {
    public static final String LIMITED = "limited";
    public static final long LIMIT_BYTES = 1024 * 1024;
    public static final String PUSHER = "pusher";
    public static final String PULLER = "puller";
    /** Above the cap of other bodies (64 KiB), and small enough that a test can pass it without sending megabytes. */
    public static final int MAX_MANIFEST_BYTES = 128 * 1024;
    private static final long NO_THROTTLE = 1_000_000;

    public final Storage storage;
    public final SynchronousUploads uploads;
    public final RegistryService registry;
    public final RegistryMetrics metrics = new RegistryMetrics();
    private final V2AccessGate gate;
    private final SlowHashExecutor slowHashes = new SlowHashExecutor(1, 1);
    private final Map<String, String> authorizations = new HashMap<>();

    private RegistryFixture(Path dir) throws IOException {
        Clock clock = Clock.systemUTC();
        storage = Storage.open(dir, clock, 0);
        TenantService tenants = new TenantService(storage.tenantStore(), clock);
        tenants.ensureDefaultRegistry();
        tenants.create(LIMITED, false, LIMIT_BYTES);
        MetadataStores metadata = new MetadataCache(CacheCoherence.SINGLE_PROCESS, 16L << 20).over(storage.metadataStores());
        UsageRecorder usage = new UsageRecorder(storage.usageStore(), clock, Runnable::run);
        uploads = new SynchronousUploads(storage.uploadStore());
        QuotaLedger quota = new QuotaLedger(tenants, metadata.blobLinks(), clock);
        registry = new RegistryService(metadata, storage.blobStore(), new UploadSessionLimits(uploads, 100, 500), tenants,
                quota, new BlobLinker(metadata.blobLinks(), quota, storage.blobStore()), usage,
                new RegistryLimits(MAX_MANIFEST_BYTES, Duration.ofDays(1), 100, Duration.ofHours(1),
                RegistryLimits.DEFAULTS.manifestCacheBytes()), clock);
        SecretHasher hasher = new SecretHasher();
        UserDirectory directory = new UserDirectory();
        UserService users = new UserService(storage.userStore(), directory, tenants, hasher, clock, CacheCoherence.SINGLE_PROCESS);
        addUser(users, PUSHER, List.of(new Permission(TenantService.DEFAULT_REGISTRY, Access.PUSH), new Permission(LIMITED, Access.PUSH)));
        addUser(users, PULLER, List.of(new Permission(TenantService.DEFAULT_REGISTRY, Access.PULL)));
        FailedLogins failedLogins = new FailedLogins(new LoginThrottle(1000, Duration.ofMinutes(1), NO_THROTTLE, clock),
                new LoginThrottle(1000, Duration.ofMinutes(1), NO_THROTTLE, clock), metrics);
        AdminLogin adminLogin = new AdminLogin(token -> false, failedLogins, slowHashes);
        gate = new V2AccessGate(new Authenticator(directory, hasher, adminLogin, failedLogins, clock, 1L << 20), new AccessPolicy(tenants));
    }

    public static RegistryFixture open(Path dir) throws IOException {
        return new RegistryFixture(dir);
    }

    private void addUser(UserService users, String name, List<Permission> permissions) {
        String secret = users.create(name, "test user", -1, null, permissions).secret();
        authorizations.put(name, "Basic " + Base64.getEncoder().encodeToString((name + ":" + secret).getBytes(StandardCharsets.UTF_8)));
    }

    /** The {@code /v2} routes, with their blocking work on {@code blocking}. */
    public V2Endpoints endpoints(Executor blocking) {
        return endpoints(blocking, new UploadBuffers(UploadBuffers.MOST_PER_UPLOAD));
    }

    /** The {@code /v2} routes, with their uploads sharing {@code uploadBuffers}. */
    public V2Endpoints endpoints(Executor blocking, UploadBuffers uploadBuffers) {
        return new V2Endpoints(registry, gate, blocking, metrics,
                new UploadForwarding(ClusterMembership.single("0000beef"), null), uploadBuffers, 0);
    }

    /** The {@code Authorization} header of one of the fixture's users. */
    public String authorization(String user) {
        return authorizations.get(user);
    }

    /** Opens an upload session as a {@code POST} would have. */
    public BlobUpload startUpload(String repository) {
        return registry.startUpload(RepositoryName.parse(repository), PUSHER);
    }

    /** The open sessions in the store. */
    public List<BlobUpload> openSessions() throws IOException {
        return storage.uploadStore().openSessions();
    }

    /** How many times an upload has paused its connection's reading. */
    public double uploadPauses() {
        return metrics.scrape().lines().filter(line -> line.startsWith("berth_upload_pauses_total"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    @Override
    public void close() throws IOException {
        try {
            metrics.close();
            slowHashes.close();
        } finally {
            storage.close();
        }
    }
}
