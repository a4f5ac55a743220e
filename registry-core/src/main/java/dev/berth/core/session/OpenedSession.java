package dev.berth.core.session;

/**
 * A session just opened: the cookie value, which exists only in this answer and the browser that gets it,
 * and the session as stored.
 */
public record OpenedSession(String cookieValue, ConsoleSession session) {
}
