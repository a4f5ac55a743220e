package dev.berth.core.user;

/** A user's access to one registry. */
public record Permission(String registry, Access access) {
}
