package dev.berth.storage.meta;

import dev.berth.storage.layout.DataLayout;
import dev.berth.storage.layout.Durability;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Keeps a data directory with the metadata its blobs belong to ({@link DataLayout#metadataBindingFile}). Blobs
 * opened with other metadata would be a registry without its repositories, and worse: the collector records the
 * blob files that no metadata accounts for and removes them after the grace period. So a directory bound to
 * one location refuses every other, with a message that names both.
 */
public final class MetadataBinding {
    private MetadataBinding() {
    }

    /**
     * Checks that {@code location} is the metadata of the directory, binding a new directory to it; a directory
     * from before the binding that holds the embedded database belongs to that database, and gets its file now.
     *
     * @throws MetadataMismatchException when the directory belongs to other metadata
     */
    public static void bind(DataLayout layout, MetadataLocation location) throws IOException {
        String bound = bound(layout);
        if (bound != null) {
            requireSame(layout, bound, location);
        }
        if (!Files.exists(layout.metadataBindingFile())) {
            write(layout, location.binding());
        }
    }

    /**
     * Checks that {@code location} is the metadata of a directory that already has its metadata: what a check
     * of a stopped server's directory needs, which creates nothing.
     *
     * @throws IllegalArgumentException when the directory has never been opened by a server
     * @throws MetadataMismatchException when the directory belongs to other metadata
     */
    public static void verify(DataLayout layout, MetadataLocation location) throws IOException {
        String bound = bound(layout);
        if (bound == null) {
            throw new IllegalArgumentException("not a Berth data directory: neither " + layout.metadataBindingFile()
                    + " nor " + layout.metaDatabaseFile() + " exists");
        }
        requireSame(layout, bound, location);
    }

    private static void requireSame(DataLayout layout, String bound, MetadataLocation location)
            throws MetadataMismatchException {
        if (!bound.equals(location.binding())) {
            throw new MetadataMismatchException("the data directory " + layout.root() + " belongs to the metadata in "
                    + describe(bound) + ", not " + describe(location.binding()) + ": start with "
                    + (bound.startsWith("postgresql ") ? "--metadata-url " + bound.substring("postgresql ".length())
                    : "no --metadata-url") + " (if that PostgreSQL database moved, edit "
                    + layout.metadataBindingFile() + ")");
        }
    }

    /** The directory's binding: its file, or the embedded database it holds; null for a new directory. */
    private static String bound(DataLayout layout) throws IOException {
        if (Files.exists(layout.metadataBindingFile())) {
            return Files.readString(layout.metadataBindingFile(), StandardCharsets.UTF_8).strip();
        }
        return Files.exists(layout.metaDatabaseFile()) ? MetadataLocation.embedded().binding() : null;
    }

    private static void write(DataLayout layout, String binding) throws IOException {
        Path temp = layout.newTempFile();
        try (FileChannel file = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            file.write(ByteBuffer.wrap((binding + "\n").getBytes(StandardCharsets.UTF_8)));
            file.force(true);
        }
        Files.move(temp, layout.metadataBindingFile(), StandardCopyOption.ATOMIC_MOVE);
        Durability.forceDirectory(layout.root());
    }

    private static String describe(String binding) {
        return binding.equals(MetadataLocation.embedded().binding()) ? "the embedded database under meta/"
                : "PostgreSQL at " + binding.substring(binding.indexOf(' ') + 1);
    }
}
