/**
 * Authentication and authorization: who sent a request and what they may do.
 *
 * <p>Starting points: {@link Authenticator}, {@link AccessPolicy}, {@link UserDirectory}, {@link SecretHasher}.
 */
package dev.berth.core.auth;
