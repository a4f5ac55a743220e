package dev.berth.core.upload;

import dev.berth.core.error.RegistryException;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The id of an upload session: 32 hex characters, safe to use as a file name. The first eight name the node that
 * holds the session (its {@link dev.berth.core.cluster.ClusterMembership#self}), the other 24 are random.
 */
public record UploadId(String value) {
    private static final Pattern GRAMMAR = Pattern.compile("[a-f0-9]{32}");
    private static final Pattern NODE = Pattern.compile("[a-f0-9]{8}");
    private static final int NODE_LENGTH = 8;
    private static final SecureRandom RANDOM = new SecureRandom();

    public UploadId {
        if (value == null || !GRAMMAR.matcher(value).matches()) {
            throw RegistryException.uploadUnknown(String.valueOf(value));
        }
    }

    /** A new id for a session held by {@code node}. */
    public static UploadId startedOn(String node) {
        if (node == null || !NODE.matcher(node).matches()) {
            throw new IllegalArgumentException("a node id is eight lowercase hex characters: " + node);
        }
        byte[] bytes = new byte[(32 - NODE_LENGTH) / 2];
        RANDOM.nextBytes(bytes);
        return new UploadId(node + HexFormat.of().formatHex(bytes));
    }

    /** The id of the node that holds the session. */
    public String node() {
        return value.substring(0, NODE_LENGTH);
    }

    public static UploadId parse(String value) {
        return new UploadId(value);
    }

    /** The id, or empty when {@code value} is not one. */
    public static Optional<UploadId> tryParse(String value) {
        return value != null && GRAMMAR.matcher(value).matches() ? Optional.of(new UploadId(value)) : Optional.empty();
    }

    @Override
    public String toString() {
        return value;
    }
}
