/**
 * Authentication and authorization: who sent a request and what they may do.
 *
 * <p>Starting points: {@link Authenticator}, {@link AccessPolicy}, {@link UserDirectory}, {@link SecretHasher};
 * for the admin token and failed logins, {@link AdminLogin}, {@link FailedLogins}, {@link SlowHashExecutor}.
 */
package dev.berth.core.auth;
