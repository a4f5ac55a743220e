package dev.berth.management.route;

import dev.berth.core.error.Problem;
import dev.berth.core.error.RegistryException;
import dev.berth.management.error.MethodNotAllowedException;
import io.netty.handler.codec.http.HttpMethod;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Picks the route for a method and raw path.
 *
 * <p>Several templates can match one path when a repository name is involved:
 * {@code DELETE .../repositories/team/app/artifacts/sha256:..} matches both "delete artifact" (repository
 * {@code team/app}) and "delete repository" (repository {@code team/app/artifacts/sha256:..}, which the
 * repository grammar would refuse anyway). Among the routes of the request's method, the one with the most
 * literal segments wins, then the one with the most segments. When the path matches only under other
 * methods the answer is 405 with those methods; when it matches nothing, 404.
 */
public final class Router {
    private static final Comparator<Candidate> SPECIFICITY = Comparator
            .comparingInt((Candidate c) -> c.route().path().literalCount())
            .thenComparingInt(c -> c.route().path().template().length());

    private final List<Route> routes;

    private record Candidate(Route route, Map<String, String> params) {
    }

    public Router(List<Route> routes) {
        this.routes = List.copyOf(routes);
        checkNoDuplicates();
    }

    public List<Route> routes() {
        return routes;
    }

    /**
     * The route and parameters for the request: {@code NOT_FOUND} (404) when no template matches the path,
     * {@link MethodNotAllowedException} (405) when none matches with this method.
     */
    public RouteMatch resolve(HttpMethod method, String rawPath) {
        List<String> segments = RequestPath.segments(rawPath);
        List<Candidate> candidates = routes.stream()
                .map(route -> route.path().match(segments).map(params -> new Candidate(route, params)))
                .flatMap(Optional::stream)
                .toList();
        if (candidates.isEmpty()) {
            throw new RegistryException(Problem.NOT_FOUND, "NOT_FOUND", "no management API endpoint at " + rawPath);
        }
        return candidates.stream()
                .filter(c -> c.route().method().equals(method))
                .max(SPECIFICITY)
                .map(c -> new RouteMatch(c.route(), c.params()))
                .orElseThrow(() -> new MethodNotAllowedException(method.name(),
                        candidates.stream().map(c -> c.route().method().name()).distinct().sorted().toList()));
    }

    private void checkNoDuplicates() {
        long distinct = routes.stream().map(r -> r.method().name() + " " + r.path().openApiPath()).distinct().count();
        if (distinct != routes.size()) {
            throw new IllegalArgumentException("two routes share a method and path");
        }
    }
}
