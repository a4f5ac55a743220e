package dev.berth.storage.meta;

import java.io.IOException;

/** A data directory opened with metadata other than its own ({@link MetadataBinding}); the message names both. */
public final class MetadataMismatchException extends IOException {
    MetadataMismatchException(String message) {
        super(message);
    }
}
