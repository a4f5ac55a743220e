package dev.berth.management.session;

import dev.berth.core.session.ConsoleSession;
import dev.berth.management.json.Timestamps;

/**
 * What the console learns of its session: when it ends, and the CSRF token its state-changing calls send back.
 * The cookie itself is never in a body.
 */
record SessionView(String expiresAt, String csrfToken) {
    static SessionView of(ConsoleSession session) {
        return new SessionView(Timestamps.format(session.expiresAt()), session.csrfToken());
    }
}
