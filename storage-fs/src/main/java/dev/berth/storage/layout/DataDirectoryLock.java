package dev.berth.storage.layout;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.StandardOpenOption;

/**
 * One process at a time on a data directory: a server, or a check. The embedded database used to be the only
 * lock (H2 holds one on its file); with the metadata in PostgreSQL nothing else would stop a second server
 * from recovering (deleting) the first one's upload sessions and temporary files. The operating system drops
 * the lock when its process dies, so a crash never leaves the directory locked.
 */
public final class DataDirectoryLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirectoryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of the data directory (creating {@code berth.lock} when absent).
     *
     * @throws DataDirectoryInUseException when another process holds it (or this one already does)
     */
    public static DataDirectoryLock acquire(DataLayout layout) throws IOException {
        FileChannel channel = FileChannel.open(layout.lockFile(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            throw new DataDirectoryInUseException("the data directory " + layout.root()
                    + " is in use by another process (it holds " + layout.lockFile() + ")", null);
        }
        return new DataDirectoryLock(channel, lock);
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
