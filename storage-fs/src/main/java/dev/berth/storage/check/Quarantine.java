package dev.berth.storage.check;

import dev.berth.storage.layout.DataLayout;
import dev.berth.storage.layout.Durability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;

/**
 * Moves corrupt entries out of {@code blobs/} into {@code quarantine/<time>/} (see {@link DataLayout}), by a
 * rename on the data directory's filesystem: nothing is copied, nothing deleted.
 */
final class Quarantine {
    private final DataLayout layout;
    private final Instant checkStarted;

    Quarantine(DataLayout layout, Instant checkStarted) {
        this.layout = layout;
        this.checkStarted = checkStarted;
    }

    /**
     * Moves {@code entry} and makes the move durable before returning: a power loss must not leave the file
     * in a new directory that its parent never recorded, where no one would find it. Returns where the
     * entry now is.
     */
    Path move(Path entry) throws IOException {
        Path target = layout.quarantined(entry, checkStarted);
        Files.createDirectories(target.getParent());
        Files.move(entry, target, StandardCopyOption.ATOMIC_MOVE);
        // Every directory on the way may be new, an entry its parent has to record.
        for (Path dir = target.getParent(); dir.startsWith(layout.root()); dir = dir.getParent()) {
            Durability.forceDirectory(dir);
        }
        Durability.forceDirectory(entry.getParent());
        return target;
    }
}
