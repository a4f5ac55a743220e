/**
 * Typed failures: OCI error codes for /v2, problem kinds for the management API; no HTTP statuses here.
 *
 * <p>Starting points: {@link OciErrorCode}, {@link OciException}, {@link ManagementException}.
 */
package dev.berth.core.error;
