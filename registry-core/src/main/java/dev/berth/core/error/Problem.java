package dev.berth.core.error;

/**
 * What kind of thing went wrong, in the domain's words. Core never names a status: the management API's edge
 * turns a problem into one, and {@code /v2}'s turns the {@link OciErrorCode} that names the problem into the
 * status the distribution spec gives that code.
 */
public enum Problem {
    /** The input cannot be read as sent: broken syntax, an unknown or mistyped field, a bad parameter. */
    MALFORMED,
    /** The input is well-formed, but what it says breaks a rule: a bad name, a limit out of range, content that does not match its digest. */
    INVALID,
    /** No valid credentials came with the request. */
    UNAUTHENTICATED,
    /** The caller is known but may not do this. */
    DENIED,
    /** The registry's storage limit leaves no room for the content. */
    QUOTA_EXCEEDED,
    /** The named thing (registry, repository, manifest, blob, upload, tag, user, endpoint) does not exist. */
    NOT_FOUND,
    /** The name is taken, or the current state forbids the change. */
    CONFLICT,
    /** The content is larger than accepted. */
    TOO_LARGE,
    /** A range does not fit the content it addresses: a chunk out of order, a read past the end. */
    OUT_OF_RANGE,
    /** The operation is not offered here: a method a path does not take, a feature not implemented. */
    UNSUPPORTED,
    /** The caller asks too often, or holds too much at once; it may try again later. */
    THROTTLED,
    /** The data directory's filesystem is down to its reserve of free space. */
    STORAGE_FULL
}
