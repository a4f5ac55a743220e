/**
 * The management API's edge of the error vocabulary: each {@link dev.berth.core.error.Problem} gets its
 * status here, in one table, and every error body is written here as {@code {"error":{"code","message"}}}.
 * Handlers throw; they never choose a status.
 *
 * <p>Starting point: {@link dev.berth.management.error.ErrorResponses}.
 */
package dev.berth.management.error;
