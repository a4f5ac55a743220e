/**
 * A registry's usage history: the push, pull and delete events, newest first; and its daily usage series (storage
 * used, pushes, pulls, bytes pushed per UTC day). Current usage figures (storage used, pull counts) are fields of
 * the registry, repository and artifact objects.
 *
 * <p>Starting point: {@link dev.berth.management.usage.UsageRoutes}.
 */
package dev.berth.management.usage;
