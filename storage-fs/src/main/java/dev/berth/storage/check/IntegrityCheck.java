package dev.berth.storage.check;

import dev.berth.storage.blob.FsBlobStore;
import dev.berth.storage.layout.DataDirectoryInUseException;
import dev.berth.storage.layout.DataDirectoryLock;
import dev.berth.storage.layout.DataLayout;
import dev.berth.storage.FsBlobBackend;
import dev.berth.storage.meta.BlobStoreBinding;
import dev.berth.storage.meta.Database;
import dev.berth.storage.meta.H2StoredDigests;
import dev.berth.storage.meta.H2UsageCounters;
import dev.berth.storage.meta.MetadataBinding;
import dev.berth.storage.meta.MetadataLocation;
import dev.berth.storage.space.DiskReserve;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.Consumer;

/**
 * The integrity check of a data directory that no server is using ({@code java -jar registry.jar check}).
 *
 * <p>A run checks, in order: the blob files ({@link BlobFilesCheck}: re-hashed against their names), the records
 * against the blob files ({@link MissingBlobsCheck}: links and manifests naming a missing blob), and the usage
 * counters against the links ({@link UsageCountersCheck}). Each {@link Finding} goes to the caller as soon as
 * it is made; in {@link Mode#REPAIR} it is fixed first, where that loses no data, and says how. The order
 * matters for repairs: a quarantined file's links are dropped, dropped links give their usage back, and the
 * counters are recounted last from the links that remain.
 *
 * <p>What it opens: the metadata database, directly, which applies any pending schema migration as a server
 * start would. Not {@code Storage}, whose startup recovery would drop the links of missing blobs before the
 * check could report them; the check leaves {@code tmp/} and {@code uploads/} alone for the next server start
 * to clean. It holds the directory's lock ({@link DataDirectoryLock}), so while the check runs no server can start
 * on the directory, and the check cannot open a directory a server is using ({@link DataDirectoryInUseException}).
 * The metadata is where the directory's servers keep it ({@link MetadataBinding}): the embedded database, or the
 * PostgreSQL database named by {@code --metadata-url}, which must be the one the directory is bound to (with
 * several nodes on one database, stop them all first).
 */
public final class IntegrityCheck implements AutoCloseable {
    /** Whether a run only reports, or also repairs. */
    public enum Mode {
        REPORT,
        REPAIR
    }

    private final DataLayout layout;
    private final DataDirectoryLock lock;
    private final Database database;
    private final FsBlobStore blobs;
    private final Clock clock;

    private IntegrityCheck(DataLayout layout, DataDirectoryLock lock, Database database, FsBlobStore blobs, Clock clock) {
        this.layout = layout;
        this.lock = lock;
        this.database = database;
        this.blobs = blobs;
        this.clock = clock;
    }

    /**
     * Opens the data directory {@code dataDir}, with its metadata at {@code metadata}, for checking; {@code clock}
     * names the quarantine of a repair.
     *
     * @throws IllegalArgumentException when {@code dataDir} holds no Berth data (no {@code blobs/}, or never opened
     *         by a server): the check creates nothing, and would otherwise start a new empty database there
     * @throws dev.berth.storage.meta.MetadataMismatchException when {@code metadata} is not the directory's metadata, or
     *         its blobs are not in the directory (an object store)
     * @throws DataDirectoryInUseException when another process (a server) is using the directory
     */
    public static IntegrityCheck open(Path dataDir, MetadataLocation metadata, Clock clock) throws IOException {
        DataLayout layout = new DataLayout(dataDir);
        if (!Files.isDirectory(layout.blobsDir())) {
            throw new IllegalArgumentException("not a Berth data directory: " + layout.blobsDir() + " does not exist");
        }
        MetadataBinding.verify(layout, metadata);
        DataDirectoryLock lock = DataDirectoryLock.acquire(layout);
        try {
            FsBlobStore blobs = new FsBlobStore(layout, DiskReserve.of(layout.root(), 0));
            Database database = metadata.open(layout);
            try {
                // The check reads blob files: on metadata whose blobs are in an object store, every link would
                // look dangling, and a repair would drop them all.
                BlobStoreBinding.bind(database, FsBlobBackend.INSTANCE.identity());
            } catch (IOException | RuntimeException e) {
                database.close();
                throw e;
            }
            return new IntegrityCheck(layout, lock, database, blobs, clock);
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /** Checks the whole data directory, handing each finding to {@code reader} as it is made. */
    public CheckReport run(Mode mode, Consumer<Finding> reader) throws IOException {
        boolean repair = mode == Mode.REPAIR;
        FindingTally tally = new FindingTally(reader);
        H2StoredDigests digests = new H2StoredDigests(database, clock);
        DigestRecords records = new DigestRecords(digests);
        new BlobFilesCheck(layout, records).run(tally, repair ? new Quarantine(layout, clock.instant()) : null);
        new MissingBlobsCheck(digests, blobs, records).run(tally, repair);
        new UsageCountersCheck(new H2UsageCounters(database)).run(tally, repair);
        return tally.report();
    }

    @Override
    public void close() throws IOException {
        try {
            database.close();
        } finally {
            lock.close();
        }
    }
}
