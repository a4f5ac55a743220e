package dev.berth.storage.upload;

import dev.berth.core.digest.Digest;
import dev.berth.core.name.RepositoryName;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * What a session's {@code info} file holds, so that a restarted server can find the session again.
 *
 * <p>The format is a few {@code key=value} lines ending with {@code end=}; a file without that last line
 * was torn by a crash and is unreadable, as is one with a missing or invalid value. The {@code owner} line
 * came later: a file without it (written by an older version) reads as owned by nobody ({@code ""}). So did the
 * {@code digest-algorithm} line, the algorithm of the session's running hash: a file without it reads as
 * {@code sha256}, the only algorithm there was; one naming an algorithm Berth does not store is unreadable.
 * An older version reading a newer file ignores the line (it reads keys, not positions).
 */
record SessionInfo(RepositoryName repository, String owner, Instant startedAt, String digestAlgorithm) {
    /** A session hashing with SHA-256. */
    SessionInfo(RepositoryName repository, String owner, Instant startedAt) {
        this(repository, owner, startedAt, Digest.SHA256);
    }

    private static final String REPOSITORY = "repository";
    private static final String OWNER = "owner";
    private static final String STARTED_AT = "started-at";
    private static final String DIGEST_ALGORITHM = "digest-algorithm";
    private static final String END = "end";

    /**
     * Writes the file, once, when the session is to outlive a request (see {@code FsBlobUpload}). Not fsynced: a
     * session survives a restart or a killed process through the page cache, and after a power loss a torn or
     * missing file only makes recovery drop the session, which the client then starts again. Sessions stay cheap
     * that way.
     */
    void write(Path file) throws IOException {
        String text = REPOSITORY + '=' + repository.value() + '\n'
                + OWNER + '=' + owner + '\n'
                + STARTED_AT + '=' + startedAt + '\n'
                + DIGEST_ALGORITHM + '=' + digestAlgorithm + '\n'
                + END + "=\n";
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            var buffer = StandardCharsets.UTF_8.encode(text);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }
    }

    /** Reads the file; an {@link UnreadableSessionException} when it is torn or invalid. */
    static SessionInfo read(Path file) throws IOException {
        Map<String, String> values = new HashMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                values.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        if (!values.containsKey(END) || !values.containsKey(REPOSITORY) || !values.containsKey(STARTED_AT)) {
            throw new UnreadableSessionException(file, "incomplete");
        }
        String algorithm = values.getOrDefault(DIGEST_ALGORITHM, Digest.SHA256);
        if (!Digest.isSupportedAlgorithm(algorithm)) {
            throw new UnreadableSessionException(file, "unsupported digest algorithm " + algorithm);
        }
        try {
            return new SessionInfo(RepositoryName.parse(values.get(REPOSITORY)), values.getOrDefault(OWNER, ""),
                    Instant.parse(values.get(STARTED_AT)), algorithm);
        } catch (RuntimeException e) {
            throw new UnreadableSessionException(file, e.getMessage());
        }
    }
}
