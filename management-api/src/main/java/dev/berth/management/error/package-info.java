/**
 * The one place where failures become HTTP: each {@link dev.berth.core.error.ProblemKind} (and each OCI code
 * a core service may let through) gets its status here, and every error body is written here as
 * {@code {"error":{"code","message"}}}. Handlers throw; they never choose a status.
 *
 * <p>Starting point: {@link dev.berth.management.error.ErrorResponses}.
 */
package dev.berth.management.error;
