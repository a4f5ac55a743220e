package dev.berth.management.session;

import dev.berth.core.session.ConsoleSessions;
import dev.berth.management.route.Route;
import io.netty.handler.codec.http.HttpMethod;

import java.util.List;

/** The console's sign-in, session and sign-out calls. */
public final class SessionRoutes {
    private static final String SESSION = "/api/v1/session";

    private SessionRoutes() {
    }

    public static List<Route> of(ConsoleSessions sessions) {
        return List.of(
                Route.open(HttpMethod.POST, SESSION, new SignInHandler(sessions)),
                Route.open(HttpMethod.GET, SESSION, new GetSessionHandler()),
                Route.of(HttpMethod.DELETE, SESSION, new SignOutHandler(sessions)));
    }
}
