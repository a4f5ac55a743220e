package dev.berth.core.name;

import dev.berth.core.error.OciErrorCode;
import dev.berth.core.error.RegistryException;

/** A tag, {@code [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}} as the distribution-spec defines it. */
public record Tag(String value) implements Reference, Comparable<Tag> {
    private static final int MAX_LENGTH = 128;

    public Tag {
        if (!isValid(value)) {
            throw new RegistryException(OciErrorCode.MANIFEST_INVALID, "invalid tag: " + value, java.util.Map.of("tag", String.valueOf(value)));
        }
    }

    public static Tag parse(String value) {
        return new Tag(value);
    }

    /**
     * Whether the value follows the grammar. Checked character by character rather than with a regular
     * expression: it runs for every manifest request by tag, and a matcher is an allocation each time.
     */
    public static boolean isValid(String value) {
        if (value == null || value.isEmpty() || value.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
            if (!word && (i == 0 || (c != '.' && c != '-'))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int compareTo(Tag other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
