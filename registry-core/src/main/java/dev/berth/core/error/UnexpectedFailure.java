package dev.berth.core.error;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * A failure the server did not expect (a bug, a broken disk), under the reference that ties the client's
 * 500 to the one log line that holds its stack trace. Both APIs answer such a failure the same way: the
 * client sees {@link #message()} and nothing of the cause; an operator finds the cause by the reference.
 *
 * <p>The reference is random rather than counted so that it is unique across restarts and says nothing
 * about how many requests the server has seen.
 *
 * @param reference twelve hex digits
 */
public record UnexpectedFailure(String reference) {
    private static final System.Logger LOG = System.getLogger(UnexpectedFailure.class.getName());
    private static final SecureRandom REFERENCES = new SecureRandom();
    private static final int REFERENCE_BYTES = 6;

    /** Logs the failure once, with its stack trace and a fresh reference; {@code request} says what failed. */
    public static UnexpectedFailure log(String request, Throwable cause) {
        byte[] bytes = new byte[REFERENCE_BYTES];
        REFERENCES.nextBytes(bytes);
        UnexpectedFailure failure = new UnexpectedFailure(HexFormat.of().formatHex(bytes));
        LOG.log(System.Logger.Level.ERROR, request + " failed unexpectedly (ref " + failure.reference + ")", cause);
        return failure;
    }

    /** What the client is told: that the server failed, and the reference to quote when reporting it. */
    public String message() {
        return "internal server error (ref " + reference + ")";
    }
}
