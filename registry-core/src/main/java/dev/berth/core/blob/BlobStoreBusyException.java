package dev.berth.core.blob;

import java.io.IOException;

/**
 * The blob store asked for a pause (an object store's {@code SlowDown} or {@code 503}) and still did after the
 * client's retries with backoff: a reason to ask the client to come back, never a server error.
 */
public final class BlobStoreBusyException extends IOException {
    public BlobStoreBusyException(String message, Throwable cause) {
        super(message, cause);
    }
}
