package dev.berth.storage.blob;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;

/**
 * Hashes a file already on disk, whatever its size: an upload session's bytes after a restart, a stored blob
 * that the integrity check verifies. The bytes pass through one fixed-size buffer, never the whole file.
 */
public final class FileHashing {
    private static final int BUFFER_SIZE = 64 * 1024;

    private FileHashing() {
    }

    /**
     * Feeds {@code digest} the whole of {@code file}, from its first byte to its end. The reads are positional,
     * so the channel's position is left where it was.
     *
     * @return the number of bytes hashed
     */
    public static long update(MessageDigest digest, FileChannel file) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(BUFFER_SIZE);
        long position = 0;
        int read;
        while ((read = file.read(buffer, position)) >= 0) {
            buffer.flip();
            digest.update(buffer);
            buffer.clear();
            position += read;
        }
        return position;
    }
}
