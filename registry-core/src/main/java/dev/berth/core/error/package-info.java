/**
 * Typed failures: each names its {@link Problem}, the kind of thing that went wrong; OCI error codes are
 * the vocabulary {@code /v2} answers in. No HTTP statuses here: each API's edge maps problems to statuses.
 *
 * <p>Starting points: {@link Problem}, {@link OciErrorCode}, {@link OciException}, {@link ManagementException},
 * {@link UnexpectedFailure}.
 */
package dev.berth.core.error;
