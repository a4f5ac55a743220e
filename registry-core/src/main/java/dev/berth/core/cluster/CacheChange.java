package dev.berth.core.cluster;

/**
 * What a node's caches must forget because a write changed it: a repository's answers (tags, manifests, links),
 * a tenant registry's settings, a user, or everything (a node that may have missed changes resyncs).
 *
 * @param key the repository ({@code registry/path}), the registry's name or the user's id; empty for
 *            {@link Kind#EVERYTHING}
 */
public record CacheChange(Kind kind, String key) {
    /** Everything may have changed. */
    public static final CacheChange EVERYTHING = new CacheChange(Kind.EVERYTHING, "");

    /** What changed. */
    public enum Kind {
        REPOSITORY, TENANT, USER, EVERYTHING
    }

    public CacheChange {
        if (kind == null || key == null || key.isEmpty() != (kind == Kind.EVERYTHING) || key.indexOf(' ') >= 0) {
            throw new IllegalArgumentException("not a cache change: " + kind + " '" + key + "'");
        }
    }

    public static CacheChange repository(String repository) {
        return new CacheChange(Kind.REPOSITORY, repository);
    }

    public static CacheChange tenant(String registry) {
        return new CacheChange(Kind.TENANT, registry);
    }

    public static CacheChange user(String id) {
        return new CacheChange(Kind.USER, id);
    }
}
