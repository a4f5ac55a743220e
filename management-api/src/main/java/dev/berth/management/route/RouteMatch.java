package dev.berth.management.route;

import java.util.Map;

/** The route a request resolved to, with its decoded path parameters. */
public record RouteMatch(Route route, Map<String, String> params) {
    public RouteMatch {
        params = Map.copyOf(params);
    }
}
