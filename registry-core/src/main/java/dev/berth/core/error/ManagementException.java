package dev.berth.core.error;

/**
 * A management failure answered as {@code {"error":{"code","message"}}}: its kind, an UPPER_SNAKE code and a
 * sentence for a person.
 */
public final class ManagementException extends RuntimeException {
    private final ProblemKind kind;
    private final String code;

    public ManagementException(ProblemKind kind, String code, String message) {
        super(message, null, false, false);
        this.kind = kind;
        this.code = code;
    }

    public ProblemKind kind() {
        return kind;
    }

    public String code() {
        return code;
    }

    public static ManagementException notFound(String what, String name) {
        return new ManagementException(ProblemKind.NOT_FOUND, what.toUpperCase(java.util.Locale.ROOT).replace(' ', '_') + "_NOT_FOUND",
                what + " '" + name + "' does not exist");
    }

    public static ManagementException invalid(String code, String message) {
        return new ManagementException(ProblemKind.INVALID, code, message);
    }

    public static ManagementException malformed(String code, String message) {
        return new ManagementException(ProblemKind.MALFORMED, code, message);
    }

    public static ManagementException conflict(String code, String message) {
        return new ManagementException(ProblemKind.CONFLICT, code, message);
    }
}
