/**
 * The {@code /v2} edge of the error vocabulary: the one table from OCI error code to HTTP status, and the
 * writer of the spec's {@code {"errors":[...]}} body.
 *
 * <p>Starting points: {@link OciErrorResponses}.
 */
package dev.berth.http.error;
