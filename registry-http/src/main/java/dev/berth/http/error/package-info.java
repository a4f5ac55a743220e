/**
 * The one mapping from OCI error codes to HTTP statuses and error bodies.
 *
 * <p>Starting points: {@link OciErrorResponses}.
 */
package dev.berth.http.error;
