package dev.berth.storage.s3;

import dev.berth.core.blob.BlobStoreBusyException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A store that still throttles after the client's retries is busy, not broken; other failures are I/O failures. */
class S3CallsTest {
    private static S3Exception answered(int status, String code) {
        return (S3Exception) S3Exception.builder().statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(code).build()).build();
    }

    @Test
    void aStoreStillThrottlingIsBusy() {
        for (S3Exception throttled : new S3Exception[] {answered(503, "SlowDown"), answered(429, "TooManyRequests"),
                answered(400, "Throttling")}) {
            assertThatThrownBy(() -> S3Calls.run("read", () -> {
                throw throttled;
            })).isInstanceOf(BlobStoreBusyException.class).hasCause(throttled);
        }
    }

    @Test
    void anotherFailureIsAnInputOutputFailure() {
        S3Exception broken = answered(500, "InternalError");

        assertThatThrownBy(() -> S3Calls.run("read", () -> {
            throw broken;
        })).isInstanceOf(IOException.class).isNotInstanceOf(BlobStoreBusyException.class).hasCause(broken);
    }
}
