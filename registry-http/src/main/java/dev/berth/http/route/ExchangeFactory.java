package dev.berth.http.route;

/** Chooses how a routed request is served: which handler, and whether its body is streamed or aggregated. */
@FunctionalInterface
public interface ExchangeFactory {
    /** The exchange for the request; throws an {@code OciException} to refuse it (its body is then drained). */
    Exchange open(RequestContext request);
}
