package dev.berth.storage.meta;

import java.io.IOException;

/**
 * The metadata database is open in another process (a running server, a check): H2 holds a lock on its
 * file for as long as one process has it open, and refuses every other.
 */
public final class DatabaseInUseException extends IOException {
    DatabaseInUseException(String message, Throwable cause) {
        super(message, cause);
    }
}
