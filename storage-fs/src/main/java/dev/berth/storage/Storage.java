package dev.berth.storage;

import dev.berth.core.blob.BlobStore;
import dev.berth.core.catalog.CatalogStore;
import dev.berth.core.gc.GarbageStore;
import dev.berth.core.gc.GcRunStore;
import dev.berth.core.metadata.MetadataStores;
import dev.berth.core.session.ConsoleSessionStore;
import dev.berth.core.tenant.TenantStore;
import dev.berth.core.upload.UploadStore;
import dev.berth.core.usage.UsageStore;
import dev.berth.core.user.UserStore;
import dev.berth.storage.layout.DataDirectoryLock;
import dev.berth.storage.cluster.PostgresCluster;
import dev.berth.storage.layout.DataLayout;
import dev.berth.storage.space.DiskReserve;
import dev.berth.storage.meta.BlobStoreBinding;
import dev.berth.storage.meta.Database;
import dev.berth.storage.meta.H2CatalogStore;
import dev.berth.storage.meta.H2ConsoleSessionStore;
import dev.berth.storage.meta.H2GarbageStore;
import dev.berth.storage.meta.H2GcRunStore;
import dev.berth.storage.meta.H2MetadataStores;
import dev.berth.storage.meta.H2StoredDigests;
import dev.berth.storage.meta.H2TenantStore;
import dev.berth.storage.meta.H2UsageStore;
import dev.berth.storage.meta.H2UserStore;
import dev.berth.storage.meta.MetadataBinding;
import dev.berth.storage.meta.MetadataLocation;
import dev.berth.storage.recovery.StartupRecovery;
import dev.berth.storage.upload.FsUploadStore;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The storage a node opens from its data directory: upload sessions staged there, metadata in the embedded H2
 * database there or in PostgreSQL ({@link MetadataLocation}), blobs there or in an object store
 * ({@link BlobBackend}), recovered from any crash before it is handed out. See {@link DataLayout} for what lives
 * where.
 */
public final class Storage implements AutoCloseable {
    private final DataLayout layout;
    private final MetadataLocation location;
    private final DataDirectoryLock lock;
    private final BlobBackend backend;
    private final BlobBackend.Blobs blobs;
    private final FsUploadStore uploads;
    private final Database database;
    private final MetadataStores metadata;
    private final H2TenantStore tenants;
    private final H2UserStore users;
    private final H2CatalogStore catalog;
    private final H2UsageStore usage;
    private final H2GarbageStore garbage;
    private final H2GcRunStore gcRuns;
    private final H2ConsoleSessionStore sessions;
    private final StartupRecovery.Report recovery;

    private Storage(DataLayout layout, MetadataLocation location, DataDirectoryLock lock, BlobBackend backend,
                    BlobBackend.Blobs blobs, FsUploadStore uploads, Database database, MetadataStores metadata,
                    Clock clock, StartupRecovery.Report recovery) {
        this.layout = layout;
        this.location = location;
        this.lock = lock;
        this.backend = backend;
        this.blobs = blobs;
        this.uploads = uploads;
        this.database = database;
        this.metadata = metadata;
        this.tenants = new H2TenantStore(database, clock);
        this.users = new H2UserStore(database);
        this.catalog = new H2CatalogStore(database);
        this.usage = new H2UsageStore(database);
        this.garbage = new H2GarbageStore(database, clock);
        this.gcRuns = new H2GcRunStore(database);
        this.sessions = new H2ConsoleSessionStore(database);
        this.recovery = recovery;
    }

    /** Opens the storage under {@code dataDir}, creating it when absent, with the system clock and no disk reserve. */
    public static Storage open(Path dataDir) throws IOException {
        return open(dataDir, Clock.systemUTC(), 0);
    }

    /** Opens the storage under {@code dataDir} with its metadata in the embedded database there. */
    public static Storage open(Path dataDir, Clock clock, long minFreeBytes) throws IOException {
        return open(dataDir, MetadataLocation.embedded(), FsBlobBackend.INSTANCE, clock, minFreeBytes);
    }

    /**
     * Opens the storage under {@code dataDir}, with its metadata at {@code metadata} and its blobs in
     * {@code blobBackend}; {@code clock} stamps sessions, links and repositories, and writes of upload data leave
     * {@code minFreeBytes} free on the data directory's filesystem ({@link DiskReserve}).
     */
    public static Storage open(Path dataDir, MetadataLocation metadata, BlobBackend blobBackend, Clock clock,
                               long minFreeBytes) throws IOException {
        DataLayout layout = new DataLayout(dataDir);
        StartupRecovery.createDirectories(layout);
        DataDirectoryLock lock = DataDirectoryLock.acquire(layout);
        Database database = null;
        BlobBackend.Blobs blobs = null;
        try {
            MetadataBinding.bind(layout, metadata);
            DiskReserve reserve = DiskReserve.of(layout.root(), minFreeBytes);
            database = metadata.open(layout);
            BlobStoreBinding.bind(database, blobBackend.identity());
            blobs = blobBackend.open(layout, database, clock, reserve);
            FsUploadStore uploads = new FsUploadStore(layout, reserve, blobs.sink(), clock);
            StartupRecovery.Report report = new StartupRecovery(layout, blobs.store(), uploads,
                    new H2StoredDigests(database, clock)).run();
            return new Storage(layout, metadata, lock, blobBackend, blobs, uploads, database,
                    H2MetadataStores.over(database, clock), clock, report);
        } catch (IOException | RuntimeException e) {
            if (blobs != null) {
                blobs.close();
            }
            if (database != null) {
                database.close();
            }
            lock.close();
            throw e;
        }
    }

    public DataLayout layout() {
        return layout;
    }

    public BlobStore blobStore() {
        return blobs.store();
    }

    public UploadStore uploadStore() {
        return uploads;
    }

    /** Repositories, blob links, manifests and tags. */
    public MetadataStores metadataStores() {
        return metadata;
    }

    /** The tenant registries, their limits and usage. */
    public TenantStore tenantStore() {
        return tenants;
    }

    /** Repository users, their permissions, and the server's settings. */
    public UserStore userStore() {
        return users;
    }

    /** The management plane's read views of repositories and artifacts. */
    public CatalogStore catalogStore() {
        return catalog;
    }

    /** Pull counters and history. */
    public UsageStore usageStore() {
        return usage;
    }

    /** The garbage collector's candidates and untagged manifests. */
    public GarbageStore garbageStore() {
        return garbage;
    }

    /** The garbage collections' record and lease. */
    public GcRunStore gcRunStore() {
        return gcRuns;
    }

    /** The web console's signed-in sessions. */
    public ConsoleSessionStore consoleSessionStore() {
        return sessions;
    }

    /**
     * Whether each backend answers now: the metadata database (a valid connection within a few seconds), and
     * the blobs (the directory there and writable, or the bucket answering).
     */
    public List<BackendHealth> health() {
        return List.of(new BackendHealth("metadata", location.engine(), database.problem()),
                new BackendHealth("blobs", backend.engine(), blobs.problem()));
    }

    /** This node's id, the start of its upload ids ({@link dev.berth.storage.layout.NodeId}). */
    public String nodeId() {
        return uploads.nodeId();
    }

    /**
     * Joins the other nodes that share this storage's PostgreSQL database, as this node reachable at
     * {@code address} ({@code host:port}); empty with the embedded database, which one process owns.
     *
     * @throws IllegalStateException when another node is live on the database and the blobs are on the filesystem,
     *                               where the other node cannot see them
     */
    public Optional<PostgresCluster> joinCluster(String address) {
        if (!(location instanceof MetadataLocation.PostgreSql postgres)) {
            return Optional.empty();
        }
        return Optional.of(PostgresCluster.join(nodeId(), address, database,
                PostgresCluster.ListenConnection.to(postgres.jdbcUrl(), postgres.user(), postgres.password()),
                backend != FsBlobBackend.INSTANCE));
    }

    /** What startup recovery found and removed when this storage was opened. */
    public StartupRecovery.Report recoveryReport() {
        return recovery;
    }

    /** Closes open upload files (the sessions stay, to resume later), the blobs and the metadata database. */
    @Override
    public void close() throws IOException {
        try {
            uploads.suspendAll();
        } finally {
            try {
                blobs.close();
            } finally {
                try {
                    database.close();
                } finally {
                    lock.close();
                }
            }
        }
    }
}
