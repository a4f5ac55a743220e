package dev.berth.management.session;

import dev.berth.core.session.ConsoleSessions;
import dev.berth.core.session.OpenedSession;
import dev.berth.management.json.JsonBody;
import dev.berth.management.route.Call;
import dev.berth.management.route.Operation;
import dev.berth.management.route.Reply;

import java.util.Set;

/**
 * Signs in to the console: {@code POST /api/v1/session} with {@code {"token": "<admin token>"}}; 201 with the
 * session and its cookie, 401 for a wrong token (counted against the client's address like any admin login).
 * The route is open: the token in the body is the credential.
 */
final class SignInHandler implements Operation {
    private final ConsoleSessions sessions;

    SignInHandler(ConsoleSessions sessions) {
        this.sessions = sessions;
    }

    @Override
    public Reply handle(Call call) {
        String token = call.json(Set.of("token")).string("token");
        if (token == null) {
            throw JsonBody.missing("token");
        }
        OpenedSession opened = sessions.signIn(token, call.clientAddress());
        return Reply.created(SessionView.of(opened.session()))
                .withCookie(SessionCookie.set(opened.cookieValue(), ConsoleSessions.LIFETIME, call.secure()));
    }
}
