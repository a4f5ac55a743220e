package dev.berth.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.conformance.Content.Blob;
import dev.berth.conformance.RegistryClient.Image;
import dev.berth.storage.s3.testing.S3ProxyServer;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.List;

import static dev.berth.conformance.ManagementClient.repositoryPath;
import static dev.berth.conformance.OciAssertions.assertPullsWhole;
import static dev.berth.conformance.OciAssertions.assertStatus;
import static dev.berth.conformance.OciAssertions.json;
import static dev.berth.conformance.OciAssertions.requireHeader;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server with its blobs in a real S3-compatible store ({@code --blob-store s3}, S3Proxy as its own process):
 * a chunked push of a layer of several parts, pulls whole and by range, across a {@code kill -9}; the objects in
 * the bucket are one per blob, each under the name it was uploaded under; a deleted repository's blobs leave the
 * bucket with the next collection; and the metadata stays bound to its bucket (a start with another is refused,
 * and so is {@code check}, which reads blob files from the data directory). With {@code --s3-redirect}, a blob
 * download is a 307 to a presigned URL of its object, which serves it (and ranges of it) without credentials.
 */
class S3BlobStorageTest {
    private static final int MIB = 1024 * 1024;

    @Test
    void keepsBlobsInTheBucketAcrossAKillAndCollectsThemAfterADelete() throws Exception {
        S3ProxyServer s3 = S3ProxyServer.shared();
        String bucket = s3.newBucket();
        try (S3Client bucketView = s3.client();
             RegistryProcess server = RegistryProcess.startWithOptions(options(s3, bucket),
                     S3ProxyServer.credentialsEnvironment())) {
            JsonNode health = json(server.anonymousClient().get("/healthz"));
            assertThat(health.at("/backends/blobs/engine").asText()).isEqualTo("s3");
            assertThat(health.at("/backends/blobs/status").asText()).isEqualTo("ok");

            RegistryClient client = server.client();
            Blob big = Content.randomBlob(20 * MIB + 321);
            Image image = RegistryClient.newImage("library/s3-app", big, Content.randomBlob(1000));
            pushInChunks(client, image.repo(), big, 5 * MIB);
            client.pushImage(image, "v1");
            assertPullsWhole(client, image, "v1");
            HttpResponse<byte[]> range = client.getBlob(image.repo(), big.digest(), "Range", "bytes=9000000-9000099");
            assertStatus(range, 206);
            assertThat(range.body()).isEqualTo(Arrays.copyOfRange(big.bytes(), 9_000_000, 9_000_100));
            assertThat(keys(bucketView, bucket)).as("one object per blob and the manifest")
                    .hasSize(image.blobs().size() + 1).allMatch(key -> key.startsWith("blobs/"));
            assertThat(bucketView.listMultipartUploads(b -> b.bucket(bucket)).uploads()).isEmpty();

            server.killAndRestart();
            assertPullsWhole(server.client(), image, "v1");

            assertStatus(server.management().delete(repositoryPath("library", "s3-app")), 204);
            server.management().collect(false, false);
            assertThat(keys(bucketView, bucket)).as("objects left after the collection").isEmpty();
            server.stop();

            RegistryProcess.CommandRun check = server.runCommand("check", "--data-dir", server.dataDir().toString());
            assertThat(check.exitStatus()).as("check reads blob files, and these are in the bucket").isNotZero();
            assertThat(check.stderr()).contains("belongs to the blobs in s3");

            String other = s3.newBucket();
            RegistryProcess.CommandRun refused = server.runCommand(with(options(s3, other), "--data-dir",
                    server.dataDir().toString(), "--port", "0"));
            assertThat(refused.exitStatus()).as(refused.stdout() + refused.stderr()).isEqualTo(1);
            assertThat(refused.stderr()).contains("bucket " + bucket, "bucket " + other);
        }
    }

    @Test
    void redirectsBlobDownloadsToPresignedUrlsOfTheStoreWhenAsked() throws Exception {
        S3ProxyServer s3 = S3ProxyServer.shared();
        List<String> options = new java.util.ArrayList<>(options(s3, s3.newBucket()));
        options.add("--s3-redirect");
        try (RegistryProcess server = RegistryProcess.startWithOptions(options, S3ProxyServer.credentialsEnvironment())) {
            RegistryClient client = server.client();
            Image image = client.pushImage("library/s3-redirect", "v1", 2);
            Blob layer = image.layers().get(1);

            HttpResponse<byte[]> get = client.getBlob(image.repo(), layer.digest());
            assertStatus(get, 307);
            assertThat(requireHeader(get, "Docker-Content-Digest")).isEqualTo(layer.digest());
            java.net.URI location = java.net.URI.create(requireHeader(get, "Location"));
            assertThat(location.getPort()).as("the store's own address").isEqualTo(s3.endpoint().getPort());
            assertStatus(client.headBlob(image.repo(), layer.digest()), 200);

            // The client fetches it from the store itself, without the registry's credentials.
            java.net.http.HttpClient plain = java.net.http.HttpClient.newHttpClient();
            HttpResponse<byte[]> fetched = plain.send(java.net.http.HttpRequest.newBuilder(location).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertStatus(fetched, 200);
            assertThat(fetched.body()).isEqualTo(layer.bytes());
            HttpResponse<byte[]> part = plain.send(java.net.http.HttpRequest.newBuilder(location)
                    .header("Range", "bytes=1-10").build(), HttpResponse.BodyHandlers.ofByteArray());
            assertStatus(part, 206);
            assertThat(part.body()).isEqualTo(Arrays.copyOfRange(layer.bytes(), 1, 11));

            assertStatus(server.anonymousClient().getBlob(image.repo(), layer.digest()), 401);
        }
    }

    /** Uploads the blob in PATCH chunks of {@code chunk} bytes and a closing PUT. */
    private static void pushInChunks(RegistryClient client, String repo, Blob blob, int chunk) {
        String location = requireHeader(client.startUpload(repo), "Location");
        for (int at = 0; at < blob.bytes().length; at += chunk) {
            byte[] piece = Arrays.copyOfRange(blob.bytes(), at, Math.min(blob.bytes().length, at + chunk));
            HttpResponse<byte[]> patch = client.patchChunk(location, piece, at);
            assertStatus(patch, 202);
            location = client.resolve(requireHeader(patch, "Location")).toString();
        }
        assertStatus(client.putUpload(location, blob.digest()), 201);
    }

    private static List<String> options(S3ProxyServer s3, String bucket) {
        return List.of("--blob-store", "s3", "--s3-endpoint", s3.endpoint().toString(), "--s3-bucket", bucket,
                "--s3-path-style", "--gc-grace", "0s");
    }

    private static String[] with(List<String> options, String... more) {
        List<String> all = new java.util.ArrayList<>(options);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    private static List<String> keys(S3Client s3, String bucket) {
        return s3.listObjectsV2Paginator(b -> b.bucket(bucket)).contents().stream().map(S3Object::key).toList();
    }
}
