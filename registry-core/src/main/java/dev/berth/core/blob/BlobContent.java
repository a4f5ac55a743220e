package dev.berth.core.blob;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;

/**
 * An open view of stored bytes, to send: a window of a local file (which the server can send without copying
 * it through user space), or a stream of exactly {@link #length()} bytes read from elsewhere (an object store).
 * The receiver owns it and closes it when the bytes are sent.
 */
public sealed interface BlobContent extends Closeable {
    /** How many bytes the content holds. */
    long length();

    /** A window of a file: {@code length} bytes from {@code offset}. */
    record FileWindow(FileChannel channel, long offset, long length) implements BlobContent {
        public FileWindow {
            if (offset < 0 || length < 0) {
                throw new IllegalArgumentException("negative window");
            }
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /** A stream that yields exactly {@code length} bytes. */
    record Stream(InputStream stream, long length) implements BlobContent {
        public Stream {
            if (length < 0) {
                throw new IllegalArgumentException("negative length");
            }
        }

        @Override
        public void close() throws IOException {
            stream.close();
        }
    }
}
