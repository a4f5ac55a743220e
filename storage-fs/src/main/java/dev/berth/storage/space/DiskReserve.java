package dev.berth.storage.space;

import dev.berth.core.error.OciErrorCode;
import dev.berth.core.error.RegistryException;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A minimum of free space that blob writes leave on the data directory's filesystem.
 *
 * <p>The metadata database lives on the same filesystem as the blobs. If uploads could fill it to the last
 * byte, the database's next write would fail, and H2 refuses every read once a write has failed: the
 * registry would stop serving what it holds. So every write of blob data (a new upload session, each batch
 * of an upload, a manifest's bytes) first checks that it leaves at least {@code minFreeBytes} free, and is
 * refused with {@code INSUFFICIENT_STORAGE} (HTTP 507) otherwise; the metadata database, whose writes are
 * small, keeps the reserve. A write that fails anyway because the filesystem filled up under it (another
 * process, a reserve of zero) is answered the same way.
 *
 * <p>Checking costs one {@code statfs} per write batch (microseconds against the batch's milliseconds).
 */
public final class DiskReserve {
    private final FileStore store;
    private final long minFreeBytes;

    private DiskReserve(FileStore store, long minFreeBytes) {
        this.store = store;
        this.minFreeBytes = minFreeBytes;
    }

    /** The reserve of {@code minFreeBytes} on the filesystem that holds {@code directory}. */
    public static DiskReserve of(Path directory, long minFreeBytes) throws IOException {
        if (minFreeBytes < 0) {
            throw new IllegalArgumentException("a reserve cannot be negative: " + minFreeBytes);
        }
        return new DiskReserve(Files.getFileStore(directory), minFreeBytes);
    }

    /** {@code INSUFFICIENT_STORAGE} unless writing {@code bytes} more leaves the reserve free. */
    public void requireRoomFor(long bytes) throws IOException {
        long usable = store.getUsableSpace();
        if (usable - bytes < minFreeBytes) {
            throw full("writing " + bytes + " more bytes would leave " + Math.max(0, usable - bytes)
                    + " bytes free, below the reserve of " + minFreeBytes + " bytes");
        }
    }

    /**
     * Throws {@code INSUFFICIENT_STORAGE} when a write failed because the filesystem was full (ENOSPC, or a
     * disk quota); otherwise returns {@code failure}, for the caller to throw.
     */
    public IOException whenFull(IOException failure) {
        String message = String.valueOf(failure.getMessage());
        if (message.contains("No space left on device") || message.contains("Disk quota exceeded")) {
            throw full("the filesystem is full");
        }
        return failure;
    }

    private RegistryException full(String detail) {
        return new RegistryException(OciErrorCode.INSUFFICIENT_STORAGE,
                "the registry's storage is full: " + detail + "; uploads are refused until space is freed",
                Map.of("min_free_bytes", minFreeBytes));
    }
}
