package dev.berth.storage.blob;

import dev.berth.core.digest.Digest;
import dev.berth.storage.layout.DataLayout;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The entries of {@code blobs/} (see {@link DataLayout}): the blob files of {@code blobs/sha256/} then of
 * {@code blobs/sha512/}, and anything else found there, in name order so that reports read the same
 * from run to run: each either a blob file at its address or something that is not one. One shard's names are
 * held at a time, never the whole store's. The blob store lists its blobs through it, and the integrity check
 * every entry.
 */
public final class BlobDirectory {
    private static final Pattern SHARD = Pattern.compile("[a-f0-9]{2}");

    /**
     * One entry: {@code address} is the digest its path is the address of, or null when no blob lives at this
     * path (a name that is not a digest, a digest in the wrong shard, a directory, a link).
     */
    public record Entry(Path path, Digest address) {
    }

    /** Something done with each entry; it may move the entry away. */
    @FunctionalInterface
    public interface Visitor {
        void visit(Entry entry) throws IOException;
    }

    private final DataLayout layout;

    public BlobDirectory(DataLayout layout) {
        this.layout = layout;
    }

    public void forEach(Visitor visitor) throws IOException {
        Path blobs = layout.blobsDir();
        if (!Files.isDirectory(blobs)) {
            return;
        }
        for (Path entry : sortedEntries(blobs)) {
            String algorithm = entry.getFileName().toString();
            if (!Digest.ALGORITHMS.contains(algorithm) || !Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                visitor.visit(new Entry(entry, null));
                continue;
            }
            forEachIn(algorithm, entry, visitor);
        }
    }

    private static void forEachIn(String algorithm, Path algorithmDir, Visitor visitor) throws IOException {
        for (Path shard : sortedEntries(algorithmDir)) {
            String shardName = shard.getFileName().toString();
            if (!SHARD.matcher(shardName).matches() || !Files.isDirectory(shard, LinkOption.NOFOLLOW_LINKS)) {
                visitor.visit(new Entry(shard, null));
                continue;
            }
            for (Path file : sortedEntries(shard)) {
                visitor.visit(new Entry(file, addressOf(algorithm, shardName, file)));
            }
        }
    }

    /** The digest {@code file} is the address of: a name of the algorithm's hex length, in its own shard. */
    private static Digest addressOf(String algorithm, String shardName, Path file) {
        String name = file.getFileName().toString();
        if (!name.startsWith(shardName) || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        return Digest.tryParse(algorithm + ':' + name).orElse(null);
    }

    private static List<Path> sortedEntries(Path dir) throws IOException {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            stream.forEach(entries::add);
        }
        entries.sort(null);
        return entries;
    }
}
