package dev.berth.core.name;

import dev.berth.core.error.OciErrorCode;
import dev.berth.core.error.OciException;

import java.util.regex.Pattern;

/** A tag, {@code [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}} as the distribution-spec defines it. */
public record Tag(String value) implements Reference, Comparable<Tag> {
    private static final Pattern GRAMMAR = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");

    public Tag {
        if (value == null || !GRAMMAR.matcher(value).matches()) {
            throw new OciException(OciErrorCode.MANIFEST_INVALID, "invalid tag: " + value, java.util.Map.of("tag", String.valueOf(value)));
        }
    }

    public static Tag parse(String value) {
        return new Tag(value);
    }

    public static boolean isValid(String value) {
        return value != null && GRAMMAR.matcher(value).matches();
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
