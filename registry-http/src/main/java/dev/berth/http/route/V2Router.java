package dev.berth.http.route;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.berth.core.error.OciErrorCode;
import dev.berth.core.error.RegistryException;
import dev.berth.core.name.RepositoryName;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses {@code /v2} paths. The repository name may hold slashes, so the endpoint is recognised by the
 * path's tail and the name is everything before it.
 */
public final class V2Router {
    private static final Pattern PATH = Pattern.compile(
            "/v2/(.+)/(tags/list|manifests/([^/]+)|blobs/uploads(?:/([^/]*))?|blobs/([^/]+)|referrers/([^/]+))");

    /**
     * Routes of pull URIs seen lately (manifests, blobs, tag lists without a query), so that a repeated pull
     * is not parsed and validated again: the path regex and the name grammar were a fifth of the bytes a
     * cached manifest GET allocated. Upload URIs are unique and are never kept.
     */
    private final Cache<String, V2Route> recentPulls = Caffeine.newBuilder().maximumSize(10_000).build();

    /** The route of a request URI; {@code NOT_FOUND} or {@code NAME_INVALID} when there is none. */
    public V2Route route(String uri) {
        boolean plainPath = uri.indexOf('?') < 0;
        if (plainPath) {
            V2Route recent = recentPulls.getIfPresent(uri);
            if (recent != null) {
                return recent;
            }
        }
        V2Route route = parse(uri);
        if (plainPath && (route.endpoint() == V2Route.Endpoint.MANIFEST || route.endpoint() == V2Route.Endpoint.BLOB
                || route.endpoint() == V2Route.Endpoint.TAGS)) {
            recentPulls.put(uri, route);
        }
        return route;
    }

    private V2Route parse(String uri) {
        QueryStringDecoder decoder = new QueryStringDecoder(uri);
        Map<String, List<String>> query = query(decoder);
        String path = path(decoder);
        if (path.equals("/v2/") || path.equals("/v2")) {
            return new V2Route(V2Route.Endpoint.BASE, null, null, query);
        }
        if (path.equals("/v2/_catalog")) {
            return new V2Route(V2Route.Endpoint.CATALOG, null, null, query);
        }
        Matcher m = PATH.matcher(path);
        if (!m.matches()) {
            throw new RegistryException(OciErrorCode.NOT_FOUND, "no endpoint at " + path);
        }
        RepositoryName name = RepositoryName.parse(m.group(1));
        String tail = m.group(2);
        if (tail.equals("tags/list")) {
            return new V2Route(V2Route.Endpoint.TAGS, name, null, query);
        }
        if (m.group(3) != null) {
            return new V2Route(V2Route.Endpoint.MANIFEST, name, m.group(3), query);
        }
        if (tail.startsWith("blobs/uploads")) {
            String id = m.group(4) == null ? "" : m.group(4);
            V2Route.Endpoint endpoint = id.isEmpty() ? V2Route.Endpoint.UPLOADS : V2Route.Endpoint.UPLOAD;
            return new V2Route(endpoint, name, id, query);
        }
        if (m.group(5) != null) {
            return new V2Route(V2Route.Endpoint.BLOB, name, m.group(5), query);
        }
        return new V2Route(V2Route.Endpoint.REFERRERS, name, m.group(6), query);
    }

    /** The decoded query parameters; a broken {@code %} escape in them is the client's error. */
    private static Map<String, List<String>> query(QueryStringDecoder decoder) {
        try {
            return decoder.parameters();
        } catch (IllegalArgumentException brokenEscape) {
            throw new RegistryException(OciErrorCode.PARAMETER_INVALID, "the query string has a broken '%' escape");
        }
    }

    /**
     * The decoded path, or the path as sent when one of its {@code %} escapes is broken: {@code %} is legal in
     * no name, reference, digest or upload id, so the part that holds it is refused by its own rule (a name
     * with {@code NAME_INVALID}), as if it had been decoded.
     */
    private static String path(QueryStringDecoder decoder) {
        try {
            return decoder.path();
        } catch (IllegalArgumentException brokenEscape) {
            return decoder.rawPath();
        }
    }
}
