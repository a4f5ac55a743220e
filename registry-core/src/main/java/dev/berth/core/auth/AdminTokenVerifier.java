package dev.berth.core.auth;

/** Checks a presented admin token against the stored (slow) hash; implementations cache what they verified. */
@FunctionalInterface
public interface AdminTokenVerifier {
    boolean matches(String token);
}
