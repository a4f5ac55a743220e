package dev.berth.storage;

import dev.berth.core.blob.BlobStore;
import dev.berth.storage.blob.FsBlobStore;
import dev.berth.storage.layout.DataLayout;
import dev.berth.storage.meta.Database;
import dev.berth.storage.space.DiskReserve;
import dev.berth.storage.upload.UploadSink;

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

    @Override
    public Blobs open(DataLayout layout, Database database, Clock clock, DiskReserve reserve) {
        FsBlobStore store = new FsBlobStore(layout, reserve);
        return new Blobs() {
            @Override
            public BlobStore store() {
                return store;
            }

            @Override
            public UploadSink sink() {
                return store;
            }

            /** The blob directory is there, and writable by this process. */
            @Override
            public String problem() {
                Path dir = layout.blobsDir();
                return Files.isDirectory(dir) && Files.isWritable(dir) ? null : dir + " is not a writable directory";
            }

            @Override
            public void close() {
            }
        };
    }
}
