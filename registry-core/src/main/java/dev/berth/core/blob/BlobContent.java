package dev.berth.core.blob;

import java.nio.channels.FileChannel;

/**
 * An open view of stored bytes: a channel and the window of it to send. The receiver owns the channel
 * and closes it when the bytes are sent.
 */
public record BlobContent(FileChannel channel, long offset, long length) {
    public BlobContent {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("negative window");
        }
    }
}
