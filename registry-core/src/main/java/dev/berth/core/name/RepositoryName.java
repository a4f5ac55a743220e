package dev.berth.core.name;

import dev.berth.core.error.OciErrorCode;
import dev.berth.core.error.OciException;

import java.util.regex.Pattern;

/**
 * A repository name as the distribution-spec's grammar defines it, at most 255 characters. Its first
 * path component names the tenant registry it belongs to.
 */
public record RepositoryName(String value) implements Comparable<RepositoryName> {
    public static final int MAX_LENGTH = 255;
    private static final String COMPONENT = "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*";
    private static final Pattern GRAMMAR = Pattern.compile(COMPONENT + "(?:/" + COMPONENT + ")*");

    public RepositoryName {
        if (value == null || value.isEmpty() || value.length() > MAX_LENGTH || !GRAMMAR.matcher(value).matches()) {
            throw new OciException(OciErrorCode.NAME_INVALID, "invalid repository name", java.util.Map.of("name", String.valueOf(value)));
        }
    }

    public static RepositoryName parse(String value) {
        return new RepositoryName(value);
    }

    /** The first path component: the tenant registry. */
    public String registry() {
        int slash = value.indexOf('/');
        return slash < 0 ? value : value.substring(0, slash);
    }

    @Override
    public int compareTo(RepositoryName other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
