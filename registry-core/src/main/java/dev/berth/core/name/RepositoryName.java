package dev.berth.core.name;

import dev.berth.core.error.OciErrorCode;
import dev.berth.core.error.RegistryException;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A repository name as the distribution-spec's grammar defines it, at most 255 characters. Its first
 * path component names the tenant registry it belongs to, and at least one more names the repository
 * in it: {@code acme/app}, never {@code acme} alone (which would be a repository that the management API,
 * addressing repositories within a registry, could not reach).
 */
public record RepositoryName(String value) implements Comparable<RepositoryName> {
    public static final int MAX_LENGTH = 255;
    private static final String COMPONENT = "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*";
    private static final Pattern GRAMMAR = Pattern.compile(COMPONENT + "(?:/" + COMPONENT + ")*");

    public RepositoryName {
        if (!isWellFormed(value)) {
            throw new RegistryException(OciErrorCode.NAME_INVALID, "invalid repository name", java.util.Map.of("name", String.valueOf(value)));
        }
        if (!namesRepository(value)) {
            throw new RegistryException(OciErrorCode.NAME_INVALID,
                    "a repository name is <registry>/<repository>: '" + value + "' names no repository in its registry",
                    java.util.Map.of("name", value));
        }
    }

    public static RepositoryName parse(String value) {
        return new RepositoryName(value);
    }

    /**
     * The repository name the value is, or empty when it is not one: for a look-up, where a malformed name is
     * no error of the request but simply names nothing stored.
     */
    public static Optional<RepositoryName> tryParse(String value) {
        return isWellFormed(value) && namesRepository(value) ? Optional.of(new RepositoryName(value)) : Optional.empty();
    }

    private static boolean isWellFormed(String value) {
        return value != null && !value.isEmpty() && value.length() <= MAX_LENGTH && GRAMMAR.matcher(value).matches();
    }

    private static boolean namesRepository(String value) {
        return value.indexOf('/') >= 0;
    }

    /** The first path component: the tenant registry. */
    public String registry() {
        return value.substring(0, value.indexOf('/'));
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
