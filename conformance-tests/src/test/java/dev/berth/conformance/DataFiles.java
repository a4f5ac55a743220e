package dev.berth.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A server's data directory as the tests look at it from outside: the blob files ({@code blobs/sha256/<2>/<64>} and
 * {@code blobs/sha512/<2>/<128>}) by
 * digest, and every regular file but the metadata's ({@code meta/}, and the directory's lock and binding to its
 * metadata, which a server writes when it first starts), to tell what a server left on disk. Read it while no
 * collection runs.
 */
final class DataFiles {

    private DataFiles() {
    }

    /** Where the blob {@code digest} ({@code sha256:<hex>} or {@code sha512:<hex>}) is stored. */
    static Path blobFile(Path dataDir, String digest) {
        String algorithm = digest.substring(0, digest.indexOf(':'));
        String hex = digest.substring(algorithm.length() + 1);
        return dataDir.resolve("blobs").resolve(algorithm).resolve(hex.substring(0, 2)).resolve(hex);
    }

    /** The blob files under the data directory: digest to size. */
    static Map<String, Long> blobs(Path dataDir) {
        Map<String, Long> blobs = new TreeMap<>();
        outsideDatabase(dataDir).forEach((path, size) -> {
            for (String algorithm : new String[] {"sha256", "sha512"}) {
                if (path.startsWith("blobs/" + algorithm + "/")) {
                    blobs.put(algorithm + ":" + path.substring(path.lastIndexOf('/') + 1), size);
                }
            }
        });
        return blobs;
    }

    /** The files of the data directory that are not blobs, uploads or temporary files, whatever the server did. */
    private static final Set<String> BOOKKEEPING = Set.of("berth.lock", "metadata-location", "node-id");

    /** Every regular file under the data directory but the metadata's: path relative to it ({@code /}) to size. */
    static Map<String, Long> outsideDatabase(Path dataDir) {
        Map<String, Long> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dataDir)) {
            walk.filter(Files::isRegularFile).forEach(file -> {
                String relative = dataDir.relativize(file).toString().replace('\\', '/');
                if (!relative.startsWith("meta/") && !BOOKKEEPING.contains(relative)) {
                    files.put(relative, size(file));
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    /** The bytes of the files {@link #outsideDatabase} lists. */
    static long sizeOutsideDatabase(Path dataDir) {
        return outsideDatabase(dataDir).values().stream().mapToLong(Long::longValue).sum();
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
