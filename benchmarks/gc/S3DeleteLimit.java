import dev.berth.storage.s3.S3Location;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.net.URI;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Machine limit of the garbage-collection benchmark on S3 ({@code run.sh --s3}): how fast the S3 server itself
 * deletes small objects, with the client Berth itself makes ({@code S3Location.client()}: path-style, checksums
 * only when required, a {@code Content-MD5} on the batch delete), from this host. The companion of
 * {@code ../load/S3Limit.java} (throughput of one large object).
 *
 *   java -cp registry.jar S3DeleteLimit.java ENDPOINT BUCKET BATCH_KEYS SINGLE_KEYS BYTES
 *
 * Credentials from the SDK's default chain (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY). Each step first PUTs its
 * objects of BYTES random bytes (8 threads; that rate is printed too), then times the deletes alone:
 * <ul>
 *   <li>{@code batch1000}: BATCH_KEYS objects named as Berth names them ({@code blobs/<uuid>}, one flat prefix),
 *       deleted by {@code DeleteObjects} of 1,000 keys, one request at a time (what Berth's collector does while
 *       pushes go on: one remover, batches of 1,000);</li>
 *   <li>{@code batch250x4}: as many, {@code DeleteObjects} of 250 keys on 4 threads (Berth's collector on an idle
 *       registry: a batch of 1,000 split between 4 removers);</li>
 *   <li>{@code single}: SINGLE_KEYS such objects, one {@code DeleteObject} each, one thread;</li>
 *   <li>{@code dist}: SINGLE_KEYS objects named as Distribution names a blob
 *       ({@code docker/registry/v2/blobs/sha256/HH/HEX/data}), each removed as Distribution 2.8's s3 driver
 *       deletes a blob's directory: a {@code ListObjects} of the prefix, then a {@code DeleteObjects} of what it
 *       found, one blob at a time (its offline collection's sweep).</li>
 * </ul>
 * Prints one line: {@code put_per_s=... batch1000_per_s=... batch1000_ms=<per request> batch250x4_per_s=...
 * single_per_s=... dist_per_s=...} (objects, or Distribution's blobs, a second).
 */
public class S3DeleteLimit {
    public static void main(String[] args) throws Exception {
        URI endpoint = URI.create(args[0]);
        String bucket = args[1];
        int batchKeys = Integer.parseInt(args[2]);
        int singleKeys = Integer.parseInt(args[3]);
        byte[] body = new byte[Integer.parseInt(args[4])];
        new Random(7).nextBytes(body);
        try (S3Client s3 = new S3Location(endpoint, bucket, S3Location.DEFAULT_REGION, true, false).client();
             Pool pool = new Pool(8)) {
            StringBuilder out = new StringBuilder();
            double putRate = 0;
            // warm-up of every path below: connections, JIT (the client's and the server's)
            List<String> keys = berthKeys(400);
            put(s3, bucket, keys, body, pool);
            deleteBatches(s3, bucket, keys.subList(0, 200), 100, 1, pool);
            keys.subList(200, 400).forEach(key -> s3.deleteObject(b -> b.bucket(bucket).key(key)));
            keys = distKeys(200);
            put(s3, bucket, keys, body, pool);
            distDeletes(s3, bucket, keys);

            keys = berthKeys(batchKeys);
            putRate = Math.max(putRate, put(s3, bucket, keys, body, pool));
            long t0 = System.nanoTime();
            deleteBatches(s3, bucket, keys, 1000, 1, pool);
            double s = (System.nanoTime() - t0) / 1e9;
            out.append(String.format(Locale.ROOT, " batch1000_per_s=%.0f batch1000_ms=%.0f", keys.size() / s,
                    1000 * s / Math.ceil(keys.size() / 1000.0)));

            keys = berthKeys(batchKeys);
            putRate = Math.max(putRate, put(s3, bucket, keys, body, pool));
            t0 = System.nanoTime();
            deleteBatches(s3, bucket, keys, 250, 4, pool);
            out.append(String.format(Locale.ROOT, " batch250x4_per_s=%.0f", keys.size() / ((System.nanoTime() - t0) / 1e9)));

            keys = berthKeys(singleKeys);
            putRate = Math.max(putRate, put(s3, bucket, keys, body, pool));
            t0 = System.nanoTime();
            for (String key : keys) {
                s3.deleteObject(b -> b.bucket(bucket).key(key));
            }
            out.append(String.format(Locale.ROOT, " single_per_s=%.0f", keys.size() / ((System.nanoTime() - t0) / 1e9)));

            keys = distKeys(singleKeys);
            putRate = Math.max(putRate, put(s3, bucket, keys, body, pool));
            t0 = System.nanoTime();
            distDeletes(s3, bucket, keys);
            out.append(String.format(Locale.ROOT, " dist_per_s=%.0f", keys.size() / ((System.nanoTime() - t0) / 1e9)));
            System.out.printf(Locale.ROOT, "put_per_s=%.0f%s%n", putRate, out);
        }
    }

    /** Each blob's directory deleted as Distribution 2.8's s3 driver does: list the prefix, delete what it found. */
    static void distDeletes(S3Client s3, String bucket, List<String> keys) {
        for (String key : keys) {
            String dir = key.substring(0, key.length() - "/data".length());
            List<ObjectIdentifier> found = new ArrayList<>();
            for (S3Object o : s3.listObjects(b -> b.bucket(bucket).prefix(dir)).contents()) {
                found.add(ObjectIdentifier.builder().key(o.key()).build());
            }
            s3.deleteObjects(b -> b.bucket(bucket).delete(d -> d.objects(found).quiet(true)));
        }
    }

    static List<String> berthKeys(int n) {
        List<String> keys = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            keys.add("blobs/" + UUID.randomUUID());
        }
        return keys;
    }

    static List<String> distKeys(int n) {
        Random random = new Random();
        List<String> keys = new ArrayList<>(n);
        byte[] digest = new byte[32];
        for (int i = 0; i < n; i++) {
            random.nextBytes(digest);
            String hex = HexFormat.of().formatHex(digest);
            keys.add("docker/registry/v2/blobs/sha256/" + hex.substring(0, 2) + "/" + hex + "/data");
        }
        return keys;
    }

    /** PUTs the objects on the pool's threads; returns objects a second. */
    static double put(S3Client s3, String bucket, List<String> keys, byte[] body, Pool pool) throws Exception {
        long t0 = System.nanoTime();
        pool.each(keys, 8, slice -> slice.forEach(key -> s3.putObject(b -> b.bucket(bucket).key(key)
                .contentLength((long) body.length), RequestBody.fromBytes(body))));
        return keys.size() / ((System.nanoTime() - t0) / 1e9);
    }

    /** DeleteObjects of {@code size} keys each, {@code threads} requests in flight; fails on any error. */
    static void deleteBatches(S3Client s3, String bucket, List<String> keys, int size, int threads, Pool pool)
            throws Exception {
        List<List<String>> batches = new ArrayList<>();
        for (int from = 0; from < keys.size(); from += size) {
            batches.add(keys.subList(from, Math.min(keys.size(), from + size)));
        }
        pool.each(batches, threads, mine -> mine.forEach(batch -> {
            var response = s3.deleteObjects(b -> b.bucket(bucket).delete(d -> d.quiet(true)
                    .objects(batch.stream().map(k -> ObjectIdentifier.builder().key(k).build()).toList())));
            if (!response.errors().isEmpty()) {
                throw new IllegalStateException(response.errors().size() + " keys not deleted: " + response.errors().get(0));
            }
        }));
    }

    /** A fixed pool that runs a consumer on interleaved slices of a list and waits for them all. */
    static final class Pool implements AutoCloseable {
        private final ExecutorService threads;

        Pool(int n) {
            threads = Executors.newFixedThreadPool(n);
        }

        <T> void each(List<T> items, int slices, Consumer<List<T>> work) throws Exception {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < slices; i++) {
                List<T> slice = new ArrayList<>();
                for (int j = i; j < items.size(); j += slices) {
                    slice.add(items.get(j));
                }
                running.add(threads.submit(() -> work.accept(slice)));
            }
            for (Future<?> f : running) {
                f.get();
            }
        }

        @Override
        public void close() {
            threads.shutdownNow();
        }
    }
}
