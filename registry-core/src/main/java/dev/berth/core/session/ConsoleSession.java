package dev.berth.core.session;

import java.time.Instant;

/**
 * A signed-in console session as the store keeps it: never the cookie itself, only its hash, so that whoever
 * reads the store cannot sign in with what they read.
 *
 * @param idHash the SHA-256 of the cookie's value, in hex
 * @param csrfToken what state-changing calls under this session must send back in a header
 */
public record ConsoleSession(String idHash, String csrfToken, Instant createdAt, Instant expiresAt) {
    public boolean isExpired(Instant now) {
        return !expiresAt.isAfter(now);
    }
}
