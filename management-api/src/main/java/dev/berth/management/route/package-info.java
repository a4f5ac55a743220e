/**
 * Routing of {@code /api/v1} calls to one small operation each: path templates (one of whose parameters may
 * span several segments, for repository names with slashes), the router that picks the most specific match
 * or answers 404/405, and the call and reply values that operations take and give.
 *
 * <p>Starting points: {@link dev.berth.management.route.Router}, {@link dev.berth.management.route.PathTemplate},
 * {@link dev.berth.management.route.Operation}.
 */
package dev.berth.management.route;
