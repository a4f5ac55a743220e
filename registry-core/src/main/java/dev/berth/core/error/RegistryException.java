package dev.berth.core.error;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A failure the registry answers its client with, rather than a bug: the {@link Problem} it names, an
 * UPPER_SNAKE code and a sentence for a person, and what the answer needs beyond that (an OCI code, a
 * detail, a wait). Core throws only this; each API's edge chooses the status.
 *
 * <p>A failure built from an {@link OciErrorCode} can be answered on {@code /v2}; its code is the OCI wire
 * code. One built from a problem and a code of its own (the management plane's: {@code REGISTRY_EXISTS},
 * {@code INVALID_LIMIT}) has no OCI code, and {@code /v2} treats it as the bug it would be there.
 */
public final class RegistryException extends RuntimeException {
    private final Problem problem;
    private final String code;
    private final OciErrorCode ociCode;
    private final transient Object detail;
    private final long retryAfterSeconds;

    private RegistryException(Problem problem, String code, OciErrorCode ociCode, String message, Object detail,
                              long retryAfterSeconds) {
        super(message, null, false, false);
        this.problem = problem;
        this.code = code;
        this.ociCode = ociCode;
        this.detail = detail;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** A failure in the distribution spec's words; a null message is the code's own. */
    public RegistryException(OciErrorCode ociCode, String message, Object detail) {
        this(ociCode.problem(), ociCode.wireCode(), ociCode, message == null ? ociCode.message() : message, detail, 0);
    }

    public RegistryException(OciErrorCode ociCode, String message) {
        this(ociCode, message, null);
    }

    /** A failure that only the management plane meets, under a code of its own. */
    public RegistryException(Problem problem, String code, String message) {
        this(problem, code, null, message, null, 0);
    }

    public Problem problem() {
        return problem;
    }

    /** The failure's UPPER_SNAKE name, as the management API shows it. */
    public String code() {
        return code;
    }

    /** The code {@code /v2} answers with; empty for a failure that only the management plane meets. */
    public Optional<OciErrorCode> ociCode() {
        return Optional.ofNullable(ociCode);
    }

    /** A JSON-serialisable value that says what was wrong, or null. */
    public Object detail() {
        return detail;
    }

    /** Seconds the client should wait before trying again ({@code Retry-After}); 0 when the error says nothing of it. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    // ---- the management plane's failures ------------------------------------------------------

    /** {@code <WHAT>_NOT_FOUND}: the named registry, repository, artifact, tag, user or permission does not exist. */
    public static RegistryException notFound(String what, String name) {
        return new RegistryException(Problem.NOT_FOUND, what.toUpperCase(Locale.ROOT).replace(' ', '_') + "_NOT_FOUND",
                what + " '" + name + "' does not exist");
    }

    public static RegistryException invalid(String code, String message) {
        return new RegistryException(Problem.INVALID, code, message);
    }

    public static RegistryException malformed(String code, String message) {
        return new RegistryException(Problem.MALFORMED, code, message);
    }

    public static RegistryException conflict(String code, String message) {
        return new RegistryException(Problem.CONFLICT, code, message);
    }

    // ---- failures in the distribution spec's words --------------------------------------------

    /**
     * A request refused for now: a login not checked because its client or user failed too often lately or
     * because the slow hash is saturated, or a request the blob store still throttled after retries:
     * {@code TOOMANYREQUESTS} on {@code /v2}, {@code TOO_MANY_REQUESTS} on the management API, both with the wait
     * in whole seconds (rounded up, at least one, as {@code Retry-After} takes them).
     *
     * @param why what the client is told, without the wait, which is appended
     */
    public static RegistryException throttled(String why, Duration retryAfter) {
        long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        return new RegistryException(Problem.THROTTLED, "TOO_MANY_REQUESTS", OciErrorCode.TOOMANYREQUESTS,
                why + "; retry after " + seconds + " s", null, seconds);
    }

    public static RegistryException blobUnknown(Object digest) {
        return new RegistryException(OciErrorCode.BLOB_UNKNOWN, "blob unknown to registry", Map.of("digest", String.valueOf(digest)));
    }

    public static RegistryException uploadUnknown(String id) {
        return new RegistryException(OciErrorCode.BLOB_UPLOAD_UNKNOWN, "blob upload unknown to registry", Map.of("id", id));
    }

    public static RegistryException manifestUnknown(String reference) {
        return new RegistryException(OciErrorCode.MANIFEST_UNKNOWN, "manifest unknown to registry", Map.of("reference", reference));
    }

    public static RegistryException nameUnknown(String name) {
        return new RegistryException(OciErrorCode.NAME_UNKNOWN, "repository name not known to registry", Map.of("name", name));
    }

    public static RegistryException digestInvalid(String message) {
        return new RegistryException(OciErrorCode.DIGEST_INVALID, message);
    }

    public static RegistryException manifestInvalid(String message) {
        return new RegistryException(OciErrorCode.MANIFEST_INVALID, message);
    }

    public static RegistryException manifestBlobUnknown(Object digest) {
        return new RegistryException(OciErrorCode.MANIFEST_BLOB_UNKNOWN, "manifest references a blob unknown to the repository",
                Map.of("digest", String.valueOf(digest)));
    }

    public static RegistryException uploadInvalid(String message) {
        return new RegistryException(OciErrorCode.BLOB_UPLOAD_INVALID, message);
    }

    public static RegistryException unsupported(String message) {
        return new RegistryException(OciErrorCode.UNSUPPORTED, message);
    }
}
