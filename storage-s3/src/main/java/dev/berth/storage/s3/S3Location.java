package dev.berth.storage.s3;

import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.LegacyMd5Plugin;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Where the blobs are: a bucket of an S3-compatible store ({@code --s3-endpoint}, {@code --s3-bucket},
 * {@code --s3-region}, {@code --s3-path-style}). Credentials come from the SDK's default chain (for example
 * {@code AWS_ACCESS_KEY_ID} and {@code AWS_SECRET_ACCESS_KEY}).
 *
 * <p>Checksums: the client computes request checksums and validates response checksums only where an operation
 * requires them. The SDK's default since 2.30 adds a CRC to every upload, which S3-compatible servers that predate
 * it (S3Proxy 2.6 and 3.3 among them) refuse; the SHA-256 of every blob is verified by Berth itself anyway. The
 * operations that require a checksum (a batch delete) carry a {@code Content-MD5}, as before 2.30
 * ({@link LegacyMd5Plugin}): those servers refuse the CRC32 the SDK would send instead (S3Proxy answers 501), and
 * AWS S3 takes either.
 *
 * @param endpoint the store's address, or null for AWS S3 itself
 * @param pathStyle address the bucket in the path ({@code http://host/bucket/key}) rather than the host name, as
 *     most self-hosted stores need
 * @param redirect answer a blob download with a redirect to a presigned URL of its object ({@code --s3-redirect}),
 *     which the client fetches from the store itself, rather than streaming it through the node
 */
public record S3Location(URI endpoint, String bucket, String region, boolean pathStyle, boolean redirect) {
    /** How long a presigned download URL is valid: a pull in progress finishes within it. */
    static final Duration PRESIGNED_FOR = Duration.ofMinutes(20);
    public static final String DEFAULT_REGION = "us-east-1";
    /** Requests to the store at once, per node: uploads ship parts and downloads read on this many connections. */
    private static final int MAX_CONNECTIONS = 128;

    public S3Location {
        Objects.requireNonNull(bucket, "bucket");
        if (bucket.isBlank()) {
            throw new IllegalArgumentException("an S3 bucket name is required (--s3-bucket)");
        }
        region = region == null || region.isBlank() ? DEFAULT_REGION : region;
    }

    /** A client for the store; the caller closes it. Throttling ({@code SlowDown}, 503) is retried with backoff. */
    public S3Client client() {
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(region))
                .forcePathStyle(pathStyle)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .addPlugin(LegacyMd5Plugin.create())
                .httpClientBuilder(Apache5HttpClient.builder()
                        .maxConnections(MAX_CONNECTIONS)
                        .connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(Duration.ofSeconds(60)))
                .overrideConfiguration(o -> o.retryStrategy(b -> b.maxAttempts(8)));
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        return builder.build();
    }

    /** Signs download URLs of the bucket's objects with the client's credentials; the caller closes it. */
    S3Presigner presigner() {
        S3Presigner.Builder builder = S3Presigner.builder().region(Region.of(region))
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(pathStyle).build());
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        return builder.build();
    }

    /** How the location is shown: in logs and on {@code /healthz}. */
    public String describe() {
        return (endpoint == null ? "s3" : endpoint.toString()) + " bucket " + bucket;
    }
}
