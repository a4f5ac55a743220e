package dev.berth.storage.meta;

/** The metadata database failed (I/O, corruption, a conflict that retries did not resolve). */
public final class MetadataStoreException extends RuntimeException {
    MetadataStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
