package dev.berth.core.error;

/** A failure that the registry answers with an OCI error body: a code, a message and an optional detail. */
public final class OciException extends RuntimeException {
    private final OciErrorCode code;
    private final transient Object detail;
    private final long retryAfterSeconds;

    public OciException(OciErrorCode code, String message, Object detail) {
        this(code, message, detail, 0);
    }

    private OciException(OciErrorCode code, String message, Object detail, long retryAfterSeconds) {
        super(message == null ? code.message() : message, null, false, false);
        this.code = code;
        this.detail = detail;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public OciException(OciErrorCode code, String message) {
        this(code, message, null);
    }

    public OciErrorCode code() {
        return code;
    }

    /** A JSON-serialisable value that says what was wrong, or null. */
    public Object detail() {
        return detail;
    }

    /** Seconds the client should wait before trying again ({@code Retry-After}); 0 when the error says nothing of it. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** {@code TOOMANYREQUESTS}, to be tried again after {@code retryAfterSeconds}. */
    public static OciException tooManyRequests(String message, long retryAfterSeconds) {
        return new OciException(OciErrorCode.TOOMANYREQUESTS, message, null, retryAfterSeconds);
    }

    public static OciException blobUnknown(Object digest) {
        return new OciException(OciErrorCode.BLOB_UNKNOWN, "blob unknown to registry", java.util.Map.of("digest", String.valueOf(digest)));
    }

    public static OciException uploadUnknown(String id) {
        return new OciException(OciErrorCode.BLOB_UPLOAD_UNKNOWN, "blob upload unknown to registry", java.util.Map.of("id", id));
    }

    public static OciException manifestUnknown(String reference) {
        return new OciException(OciErrorCode.MANIFEST_UNKNOWN, "manifest unknown to registry", java.util.Map.of("reference", reference));
    }

    public static OciException nameUnknown(String name) {
        return new OciException(OciErrorCode.NAME_UNKNOWN, "repository name not known to registry", java.util.Map.of("name", name));
    }

    public static OciException digestInvalid(String message) {
        return new OciException(OciErrorCode.DIGEST_INVALID, message);
    }

    public static OciException manifestInvalid(String message) {
        return new OciException(OciErrorCode.MANIFEST_INVALID, message);
    }

    public static OciException manifestBlobUnknown(Object digest) {
        return new OciException(OciErrorCode.MANIFEST_BLOB_UNKNOWN, "manifest references a blob unknown to the repository",
                java.util.Map.of("digest", String.valueOf(digest)));
    }

    public static OciException uploadInvalid(String message) {
        return new OciException(OciErrorCode.BLOB_UPLOAD_INVALID, message);
    }

    public static OciException unsupported(String message) {
        return new OciException(OciErrorCode.UNSUPPORTED, message);
    }
}
