package dev.berth.management.session;

import dev.berth.core.session.ConsoleSession;
import dev.berth.management.json.Timestamps;

/**
 * What the console learns of its session: whether it has one, when it ends, and the CSRF token its
 * state-changing calls send back. The cookie itself is never in a body.
 */
record SessionView(boolean signedIn, String expiresAt, String csrfToken) {
    private static final SessionView NONE = new SessionView(false, null, null);

    static SessionView of(ConsoleSession session) {
        return session == null ? NONE : new SessionView(true, Timestamps.format(session.expiresAt()), session.csrfToken());
    }
}
