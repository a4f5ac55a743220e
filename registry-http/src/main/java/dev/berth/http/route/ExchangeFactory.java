package dev.berth.http.route;

/** Routes a request and chooses how it is served: which handler, and whether its body is streamed or aggregated. */
@FunctionalInterface
public interface ExchangeFactory {
    /** The exchange for the request; throws a {@code RegistryException} to refuse it (its body is then drained). */
    Exchange open(RequestContext request);
}
