package dev.berth.storage.s3;

import dev.berth.core.blob.BlobStoreBusyException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

import java.io.IOException;

/**
 * Calls to the object store with its failures as {@link IOException}s, which the server already answers the way
 * it answers a failing disk. The client has retried throttling and server errors with backoff by then; a store
 * still throttling after that is a {@link BlobStoreBusyException}, which the client is asked to retry.
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
            if (isThrottling(e)) {
                throw new BlobStoreBusyException("object store: " + what + ": still throttling after retries: "
                        + e.getMessage(), e);
            }
            throw new IOException("object store: " + what + ": " + e.getMessage(), e);
        }
    }

    /** {@code SlowDown} and its kin, or a 503 or 429 answer. */
    static boolean isThrottling(SdkException e) {
        return e instanceof AwsServiceException service && (service.isThrottlingException()
                || service.statusCode() == 503 || service.statusCode() == 429);
    }

    static void run(String what, Action action) throws IOException {
        call(what, () -> {
            action.run();
            return null;
        });
    }
}
