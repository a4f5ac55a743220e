package dev.berth.storage;

import dev.berth.core.blob.BlobStore;
import dev.berth.storage.layout.DataLayout;
import dev.berth.storage.meta.Database;
import dev.berth.storage.space.DiskReserve;
import dev.berth.storage.upload.UploadSink;

import java.io.Closeable;
import java.io.IOException;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * Where the blobs are kept: the data directory's own {@code blobs/} ({@link FsBlobBackend}, the default) or an
 * object store ({@code storage-s3}). Upload sessions stage in the data directory either way; the backend says where
 * a verified upload goes ({@link UploadSink}).
 */
public interface BlobBackend {
    /** What runs it, as {@code /healthz} shows: {@code fs}, {@code s3}. */
    String engine();

    /**
     * Where the blobs are, as the metadata records it ({@code BlobStoreBinding}), so that metadata is never opened
     * with blobs other than its own: {@code fs}, or the object store's address and bucket.
     */
    String identity();

    /** Opens the blobs; {@code database} is the metadata, where an object store keeps its index. */
    Blobs open(DataLayout layout, Database database, Clock clock, DiskReserve reserve) throws IOException;

    /**
     * The opened blobs, closed with the storage.
     *
     * @param store the blobs
     * @param sink where verified uploads go
     * @param check asks whether the blobs answer now: why not, or null when they do
     * @param closer what closing them takes (clients, threads)
     */
    record Blobs(BlobStore store, UploadSink sink, Supplier<String> check, Closeable closer) implements Closeable {
        /** Why the blobs do not answer now, or null when they do. */
        public String problem() {
            return check.get();
        }

        @Override
        public void close() throws IOException {
            closer.close();
        }
    }
}
