import dev.berth.storage.s3.S3Location;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Machine limit for blobs in S3: the S3 server's own PUT and GET throughput of one object, measured with the client
 * Berth itself makes ({@code S3Location.client()}: path-style, checksums only when required), from this host.
 *
 *   java -cp registry.jar S3Limit.java ENDPOINT BUCKET MIB PASSES SCRATCH_DIR
 *
 * Credentials from the SDK's default chain (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY). Writes MIB MiB of random
 * bytes to a file in SCRATCH_DIR, then PASSES times PUTs it as one object (streamed from the file), GETs it back
 * (read and dropped), and uploads it again as a multipart upload of 8 MiB parts, three in flight, as registries write
 * blobs; and prints one line
 *   s3_put_mb_s=<best PUT, 10^6 bytes/s> s3_get_mb_s=<best GET> s3_multipart_mb_s=<best multipart> passes(...)=...
 */
public class S3Limit {
    public static void main(String[] args) throws Exception {
        URI endpoint = URI.create(args[0]);
        String bucket = args[1];
        int mib = Integer.parseInt(args[2]);
        int passes = Integer.parseInt(args[3]);
        Path file = Files.createTempFile(Path.of(args[4]), "s3-limit", ".bin");
        byte[] piece = new byte[1 << 20];
        new Random(7).nextBytes(piece);
        try (var out = Files.newOutputStream(file)) {
            for (int i = 0; i < mib; i++) {
                out.write(piece);
            }
        }
        long bytes = (long) mib << 20;
        double bestPut = 0, bestGet = 0, bestMultipart = 0;
        StringBuilder all = new StringBuilder();
        try (S3Client s3 = new S3Location(endpoint, bucket, S3Location.DEFAULT_REGION, true, false).client()) {
            for (int p = 0; p <= passes; p++) {
                String key = "s3-limit/" + p;
                long t0 = System.nanoTime();
                s3.putObject(b -> b.bucket(bucket).key(key).contentLength(bytes), RequestBody.fromFile(file));
                double put = bytes / ((System.nanoTime() - t0) / 1e9) / 1e6;
                t0 = System.nanoTime();
                long read = 0;
                try (InputStream in = s3.getObject(b -> b.bucket(bucket).key(key))) {
                    for (int n; (n = in.read(piece)) > 0; ) {
                        read += n;
                    }
                }
                double get = read / ((System.nanoTime() - t0) / 1e9) / 1e6;
                s3.deleteObject(b -> b.bucket(bucket).key(key));
                double multipart = multipart(s3, bucket, key, file, bytes);
                s3.deleteObject(b -> b.bucket(bucket).key(key));
                if (p == 0) {
                    continue; // warm-up: connections, JIT
                }
                bestPut = Math.max(bestPut, put);
                bestGet = Math.max(bestGet, get);
                bestMultipart = Math.max(bestMultipart, multipart);
                all.append(String.format("%.0f/%.0f/%.0f ", put, get, multipart));
            }
        } finally {
            Files.deleteIfExists(file);
        }
        System.out.printf("s3_put_mb_s=%.0f s3_get_mb_s=%.0f s3_multipart_mb_s=%.0f passes(put/get/multipart)=%s%n",
                bestPut, bestGet, bestMultipart, all.toString().trim());
    }

    /**
     * The object uploaded as a multipart upload of 8 MiB parts, three in flight (as Berth ships them) and completed:
     * what the store does with a blob that a registry writes in parts. MB/s from the first part to the completion.
     */
    static double multipart(S3Client s3, String bucket, String key, Path file, long bytes) throws Exception {
        long part = 8L << 20;
        int parts = (int) ((bytes + part - 1) / part);
        long t0 = System.nanoTime();
        String id = s3.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(3);
        java.util.List<java.util.concurrent.Future<CompletedPart>> sent = new java.util.ArrayList<>();
        for (int n = 1; n <= parts; n++) {
            int number = n;
            long start = (n - 1) * part, length = Math.min(part, bytes - start);
            sent.add(pool.submit(() -> {
                byte[] slice = new byte[(int) length];
                try (var channel = java.nio.channels.FileChannel.open(file)) {
                    channel.read(java.nio.ByteBuffer.wrap(slice), start);
                }
                String etag = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(id).partNumber(number),
                        RequestBody.fromBytes(slice)).eTag();
                return CompletedPart.builder().partNumber(number).eTag(etag).build();
            }));
        }
        java.util.List<CompletedPart> done = new java.util.ArrayList<>();
        for (var f : sent) {
            done.add(f.get());
        }
        pool.shutdown();
        s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(id).multipartUpload(m -> m.parts(done)));
        return bytes / ((System.nanoTime() - t0) / 1e9) / 1e6;
    }
}
