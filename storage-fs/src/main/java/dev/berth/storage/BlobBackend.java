package dev.berth.storage;

import dev.berth.core.blob.BlobStore;
import dev.berth.storage.layout.DataLayout;
import dev.berth.storage.meta.Database;
import dev.berth.storage.space.DiskReserve;
import dev.berth.storage.upload.UploadSink;

import java.io.Closeable;
import java.io.IOException;
import java.time.Clock;

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

    /** The opened blobs: the store, where uploads go, and whether they answer. Closed with the storage. */
    interface Blobs extends Closeable {
        BlobStore store();

        UploadSink sink();

        /** Why the blobs do not answer now, or null when they do. */
        String problem();
    }
}
