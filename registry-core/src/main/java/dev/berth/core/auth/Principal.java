package dev.berth.core.auth;

import dev.berth.core.user.User;

/**
 * Who sent a request: the admin, or a repository user (as it is now, not as it was when its credential was
 * first verified). Anonymous callers have no principal.
 */
public record Principal(String name, User user) {
    public static final String ADMIN = "admin";
    public static final Principal ADMIN_PRINCIPAL = new Principal(ADMIN, null);

    public boolean isAdmin() {
        return user == null;
    }
}
