package dev.berth.http.route;

/** Answers one kind of {@code /v2} request whose body, if any, has been aggregated. Runs off the event loop. */
@FunctionalInterface
public interface V2Handler {
    void handle(RequestContext request) throws Exception;
}
