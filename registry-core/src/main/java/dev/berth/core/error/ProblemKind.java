package dev.berth.core.error;

/** The kinds of management failure; the management API alone turns each into an HTTP status. */
public enum ProblemKind {
    /** Malformed JSON, an unknown or mistyped field, a bad query parameter. */
    MALFORMED,
    /** No valid admin token. */
    UNAUTHENTICATED,
    /** Authenticated but not allowed. */
    FORBIDDEN,
    /** The named registry, repository, artifact, tag or user does not exist. */
    NOT_FOUND,
    /** The name is taken, or the state forbids the change. */
    CONFLICT,
    /** The body is larger than the API accepts. */
    TOO_LARGE,
    /** Well-formed JSON whose values break a rule. */
    INVALID
}
