package dev.berth.core.error;

/**
 * The error codes of the OCI distribution-spec, each with the message the spec gives it and the
 * {@link Problem} it names: the vocabulary in which {@code /v2} answers a failure.
 *
 * <p>A few constants share a wire code but stand for a distinct situation that the spec answers with
 * its own status (a chunk out of order is 416, an oversized manifest 413); {@link #wireCode()} is what
 * the client sees. The status of each constant is chosen in exactly one place, in registry-http; the
 * management API, should a code reach it, answers by its problem.
 */
public enum OciErrorCode {
    /** The blob is not known to the repository. */
    BLOB_UNKNOWN("BLOB_UNKNOWN", Problem.NOT_FOUND, "blob unknown to registry"),
    /** The upload failed: a bad chunk, an unusable request body. */
    BLOB_UPLOAD_INVALID("BLOB_UPLOAD_INVALID", Problem.INVALID, "blob upload invalid"),
    /** The upload session is not known (never opened, cancelled, completed or expired). */
    BLOB_UPLOAD_UNKNOWN("BLOB_UPLOAD_UNKNOWN", Problem.NOT_FOUND, "blob upload unknown to registry"),
    /** A chunk does not start where the upload currently ends. */
    RANGE_NOT_SATISFIABLE("BLOB_UPLOAD_INVALID", Problem.OUT_OF_RANGE, "requested range not satisfiable"),
    /**
     * A blob download's {@code Range} is malformed or lies outside the blob. The spec has no code for it;
     * SIZE_INVALID, a length that does not fit the content, is the nearest.
     */
    BLOB_RANGE_NOT_SATISFIABLE("SIZE_INVALID", Problem.OUT_OF_RANGE, "requested range not satisfiable"),
    /** The digest is malformed, or the content does not match it. */
    DIGEST_INVALID("DIGEST_INVALID", Problem.INVALID, "provided digest did not match uploaded content"),
    /** A manifest references a blob or manifest that the repository lacks. */
    MANIFEST_BLOB_UNKNOWN("MANIFEST_BLOB_UNKNOWN", Problem.INVALID, "manifest references a manifest or blob unknown to registry"),
    /** The manifest is malformed or inconsistent. */
    MANIFEST_INVALID("MANIFEST_INVALID", Problem.INVALID, "manifest invalid"),
    /** The manifest body exceeds the size cap. */
    MANIFEST_TOO_LARGE("SIZE_INVALID", Problem.TOO_LARGE, "manifest too large"),
    /** No manifest under this reference in the repository. */
    MANIFEST_UNKNOWN("MANIFEST_UNKNOWN", Problem.NOT_FOUND, "manifest unknown to registry"),
    /** The repository name breaks the grammar. */
    NAME_INVALID("NAME_INVALID", Problem.INVALID, "invalid repository name"),
    /** The repository is not known. */
    NAME_UNKNOWN("NAME_UNKNOWN", Problem.NOT_FOUND, "repository name not known to registry"),
    /** The declared length does not match the content. */
    SIZE_INVALID("SIZE_INVALID", Problem.INVALID, "provided length did not match content length"),
    /** Authentication is required. */
    UNAUTHORIZED("UNAUTHORIZED", Problem.UNAUTHENTICATED, "authentication required"),
    /** Access to the resource is denied. */
    DENIED("DENIED", Problem.DENIED, "requested access to the resource is denied"),
    /**
     * The upload would take its registry past its storage limit. The spec has no code of its own for that;
     * {@code DENIED} is the one clients show with its message.
     */
    QUOTA_EXCEEDED("DENIED", Problem.QUOTA_EXCEEDED, "quota exceeded"),
    /** The operation is not supported. */
    UNSUPPORTED("UNSUPPORTED", Problem.UNSUPPORTED, "the operation is unsupported"),
    /** The method is not allowed on this path. */
    METHOD_NOT_ALLOWED("UNSUPPORTED", Problem.UNSUPPORTED, "the method is not allowed on this resource"),
    /** A query parameter or header has a value the registry cannot use. */
    PARAMETER_INVALID("UNSUPPORTED", Problem.MALFORMED, "invalid parameter"),
    /** No API endpoint under this path; the spec has no code of its own for that, so it is answered as unsupported. */
    NOT_FOUND("UNSUPPORTED", Problem.NOT_FOUND, "no such endpoint"),
    /**
     * The data directory's filesystem is at its reserve of free space; the spec has no code of its
     * own for that, and {@code DENIED} is the one clients show with its message.
     */
    INSUFFICIENT_STORAGE("DENIED", Problem.STORAGE_FULL, "insufficient storage"),
    /** Too many requests. */
    TOOMANYREQUESTS("TOOMANYREQUESTS", Problem.THROTTLED, "too many requests");

    private final String wireCode;
    private final Problem problem;
    private final String message;

    OciErrorCode(String wireCode, Problem problem, String message) {
        this.wireCode = wireCode;
        this.problem = problem;
        this.message = message;
    }

    /** The code as it appears in the {@code errors[].code} field. */
    public String wireCode() {
        return wireCode;
    }

    /** The kind of failure the code names. */
    public Problem problem() {
        return problem;
    }

    /** The spec's default message for the code. */
    public String message() {
        return message;
    }
}
