/**
 * Typed failures, one vocabulary for both APIs: a {@link RegistryException} names its {@link Problem}, the
 * kind of thing that went wrong, and carries what each API needs to answer it (OCI error codes are the words
 * {@code /v2} answers in). No HTTP statuses here: each API's edge has its one table of them.
 *
 * <p>Starting points: {@link RegistryException}, {@link Problem}, {@link OciErrorCode}, {@link UnexpectedFailure}.
 */
package dev.berth.core.error;
