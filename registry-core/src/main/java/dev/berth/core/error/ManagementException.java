package dev.berth.core.error;

/**
 * A management failure answered as {@code {"error":{"code","message"}}}: its problem, an UPPER_SNAKE code and
 * a sentence for a person.
 */
public final class ManagementException extends RuntimeException {
    private final Problem problem;
    private final String code;

    public ManagementException(Problem problem, String code, String message) {
        super(message, null, false, false);
        this.problem = problem;
        this.code = code;
    }

    public Problem problem() {
        return problem;
    }

    public String code() {
        return code;
    }

    public static ManagementException notFound(String what, String name) {
        return new ManagementException(Problem.NOT_FOUND, what.toUpperCase(java.util.Locale.ROOT).replace(' ', '_') + "_NOT_FOUND",
                what + " '" + name + "' does not exist");
    }

    public static ManagementException invalid(String code, String message) {
        return new ManagementException(Problem.INVALID, code, message);
    }

    public static ManagementException malformed(String code, String message) {
        return new ManagementException(Problem.MALFORMED, code, message);
    }

    public static ManagementException conflict(String code, String message) {
        return new ManagementException(Problem.CONFLICT, code, message);
    }
}
