package dev.berth.http.route;

import dev.berth.core.name.RepositoryName;

import java.util.List;
import java.util.Map;

/**
 * A parsed {@code /v2} request path: which endpoint, the repository and the last path segment (a
 * reference, digest or upload id, still unparsed), and the decoded query parameters.
 */
public record V2Route(Endpoint endpoint, RepositoryName repository, String segment, Map<String, List<String>> query) {
    /** The endpoints of the distribution-spec. */
    public enum Endpoint {
        BASE, CATALOG, TAGS, MANIFEST, BLOB, UPLOADS, UPLOAD, REFERRERS
    }

    /** The first value of a query parameter, or null. */
    public String param(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
