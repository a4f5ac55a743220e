/**
 * Repository users (robot credentials for {@code docker login}) and their per-registry permissions: create,
 * list, show, change, enable and disable, refresh the secret, delete, and attach to or detach from a
 * registry. A user's secret appears only in the answers to creation and refresh.
 *
 * <p>Starting points: {@link dev.berth.management.user.UserRoutes}, {@code UserView} (the user object).
 */
package dev.berth.management.user;
