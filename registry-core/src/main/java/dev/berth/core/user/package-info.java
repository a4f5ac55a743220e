/**
 * Repository users: robot credentials with an expiry and per-registry permissions.
 *
 * <p>Starting points: {@link UserService}, {@link UserStore}, {@link User}.
 */
package dev.berth.core.user;
