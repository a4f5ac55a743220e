/**
 * A registry's usage history: the push, pull and delete events, newest first. Usage figures themselves
 * (storage used, pull counts) are fields of the registry, repository and artifact objects.
 *
 * <p>Starting point: {@link dev.berth.management.usage.UsageRoutes}.
 */
package dev.berth.management.usage;
