package dev.berth.storage.layout;

import java.io.IOException;

/**
 * The data directory is in use by another process (a running server, a check): it holds the directory's lock
 * ({@link DataDirectoryLock}), or H2's lock on the embedded database's file.
 */
public final class DataDirectoryInUseException extends IOException {
    public DataDirectoryInUseException(String message, Throwable cause) {
        super(message, cause);
    }
}
