package dev.berth.storage.layout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The id of the node that serves a data directory: eight random hex characters, kept in {@code node-id} so that a
 * restarted node keeps its id, and with it the upload sessions it holds (every upload id starts with it, which is
 * how the other nodes of a cluster know where a session is).
 */
public final class NodeId {
    private static final Pattern GRAMMAR = Pattern.compile("[a-f0-9]{8}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private NodeId() {
    }

    /** The directory's node id, chosen and written durably the first time. */
    public static String of(DataLayout layout) {
        try {
            Path file = layout.nodeIdFile();
            if (Files.exists(file)) {
                String id = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (!GRAMMAR.matcher(id).matches()) {
                    throw new IOException(file + " holds no node id (eight lowercase hex characters): '" + id + "'");
                }
                return id;
            }
            byte[] bytes = new byte[4];
            RANDOM.nextBytes(bytes);
            String id = HexFormat.of().formatHex(bytes);
            Files.createDirectories(layout.tmpDir());
            Path temp = layout.newTempFile();
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap((id + "\n").getBytes(StandardCharsets.UTF_8)));
                channel.force(true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
