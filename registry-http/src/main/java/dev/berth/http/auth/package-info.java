/**
 * Authentication on /v2 and the admin token.
 *
 * <p>Starting points: {@link V2AccessGate}, {@link Argon2AdminToken}.
 */
package dev.berth.http.auth;
