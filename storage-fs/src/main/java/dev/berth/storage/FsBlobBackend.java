package dev.berth.storage;

import dev.berth.storage.blob.FsBlobStore;
import dev.berth.storage.layout.DataLayout;
import dev.berth.storage.meta.Database;
import dev.berth.storage.space.DiskReserve;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/** Blobs in the data directory's {@code blobs/}: uploads are renamed into place ({@link FsBlobStore}). */
public final class FsBlobBackend implements BlobBackend {
    public static final FsBlobBackend INSTANCE = new FsBlobBackend();

    private FsBlobBackend() {
    }

    @Override
    public String engine() {
        return "fs";
    }

    @Override
    public String identity() {
        return "fs";
    }

    /** The blobs under the data directory, which answer while {@code blobs/} is there and writable by this process. */
    @Override
    public Blobs open(DataLayout layout, Database database, Clock clock, DiskReserve reserve) {
        FsBlobStore store = new FsBlobStore(layout, reserve);
        Path dir = layout.blobsDir();
        return new Blobs(store, store,
                () -> Files.isDirectory(dir) && Files.isWritable(dir) ? null : dir + " is not a writable directory",
                () -> { });
    }
}
