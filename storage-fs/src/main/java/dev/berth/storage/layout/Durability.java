package dev.berth.storage.layout;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/** The fsync of a directory, which makes a rename or a new entry in it survive a power loss. */
public final class Durability {
    private static final boolean IS_WINDOWS =
            System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");

    private Durability() {
    }

    /**
     * Forces a directory's entries to disk. Linux and macOS allow opening a directory for reading and
     * forcing it; Windows refuses, and there NTFS journals renames itself, so the refusal is ignored.
     */
    public static void forceDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            if (!IS_WINDOWS) {
                throw e;
            }
        }
    }
}
