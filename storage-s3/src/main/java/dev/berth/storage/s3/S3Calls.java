package dev.berth.storage.s3;

import software.amazon.awssdk.core.exception.SdkException;

import java.io.IOException;

/**
 * Calls to the object store with its failures as {@link IOException}s, which the server already answers the way
 * it answers a failing disk. The client has retried throttling and server errors with backoff by then.
 */
final class S3Calls {
    private S3Calls() {
    }

    /** A call that returns something. */
    @FunctionalInterface
    interface Call<T> {
        T run() throws IOException;
    }

    /** A call that returns nothing. */
    @FunctionalInterface
    interface Action {
        void run() throws IOException;
    }

    static <T> T call(String what, Call<T> call) throws IOException {
        try {
            return call.run();
        } catch (SdkException e) {
            throw new IOException("object store: " + what + ": " + e.getMessage(), e);
        }
    }

    static void run(String what, Action action) throws IOException {
        call(what, () -> {
            action.run();
            return null;
        });
    }
}
