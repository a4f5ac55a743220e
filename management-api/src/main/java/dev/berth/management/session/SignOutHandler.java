package dev.berth.management.session;

import dev.berth.core.session.ConsoleSessions;
import dev.berth.management.route.Call;
import dev.berth.management.route.Operation;
import dev.berth.management.route.Reply;

/**
 * Signs out: {@code DELETE /api/v1/session}, 204; the session ends on every node, and the browser is told to
 * drop its cookie. A Bearer call has no session to end and gets the same answer.
 */
final class SignOutHandler implements Operation {
    private final ConsoleSessions sessions;

    SignOutHandler(ConsoleSessions sessions) {
        this.sessions = sessions;
    }

    @Override
    public Reply handle(Call call) {
        if (call.session() != null) {
            sessions.signOut(call.session());
        }
        return Reply.noContent().withCookie(SessionCookie.clear(call.secure()));
    }
}
