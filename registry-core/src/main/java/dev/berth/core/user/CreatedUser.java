package dev.berth.core.user;

/** A user together with its secret in clear: only ever returned by creation and secret refresh. */
public record CreatedUser(User user, String secret) {
}
