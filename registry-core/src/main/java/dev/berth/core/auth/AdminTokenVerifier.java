package dev.berth.core.auth;

/**
 * Checks a presented admin token against the stored (slow) hash. It hashes on every call: {@link AdminLogin}
 * remembers what it verified, throttles failures and bounds how many checks run at once.
 */
@FunctionalInterface
public interface AdminTokenVerifier {
    boolean matches(String token);
}
