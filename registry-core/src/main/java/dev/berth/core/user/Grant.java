package dev.berth.core.user;

/** One user to attach to a registry with an access, in a group attach. */
public record Grant(String userId, Access access) {
}
