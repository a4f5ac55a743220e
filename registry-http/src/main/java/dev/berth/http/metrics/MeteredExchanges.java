package dev.berth.http.metrics;

import dev.berth.http.route.ExchangeFactory;
import dev.berth.http.route.RequestContext;

/**
 * Wraps the routing so that every answered request is recorded: the API ({@code v2}, {@code management} or
 * {@code other}), the {@code /v2} endpoint, the method, the status and the time from head to written answer.
 * Labels come from a fixed set, never from the path, so the number of series stays bounded.
 */
public final class MeteredExchanges {
    private MeteredExchanges() {
    }

    public static ExchangeFactory wrap(ExchangeFactory exchanges, RegistryMetrics metrics) {
        return request -> {
            request.onFinished(() -> record(request, metrics));
            return exchanges.open(request);
        };
    }

    private static void record(RequestContext request, RegistryMetrics metrics) {
        if (request.status() == 0) {
            return;
        }
        String api;
        String endpoint;
        if (request.route() != null) {
            api = "v2";
            endpoint = request.route().endpoint().name();
        } else if (request.request().uri().startsWith("/api/")) {
            api = "management";
            endpoint = "-";
        } else {
            api = "other";
            endpoint = "-";
        }
        metrics.requestAnswered(api, endpoint, request.request().method().name(), request.status(), request.elapsedNanos());
    }
}
