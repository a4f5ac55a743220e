package dev.berth.storage.upload;

import java.io.IOException;
import java.nio.file.Path;

/** A session directory whose {@code info} file is missing, torn or invalid; the session cannot be resumed. */
final class UnreadableSessionException extends IOException {
    UnreadableSessionException(Path file, String why) {
        super("unreadable upload session " + file + ": " + why);
    }
}
