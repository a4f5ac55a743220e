package dev.berth.conformance;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A 1 GiB blob (size set by {@code -Dberth.largeBlobMiB}) is pushed monolithically and in chunks and pulled
 * back intact from a server with a 256 MiB heap, and the server's heap after a full GC has not grown with
 * it. Neither side ever holds the blob in memory: its bytes are generated block by block from a seed.
 */
class LargeBlobTest {
    private static final int BLOCK = 1024 * 1024;
    private static final long SIZE = Long.getLong("berth.largeBlobMiB", 1024) * BLOCK;
    private static final long CHUNK = 64L * BLOCK;
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

    @RegisterExtension
    static final RegistryExtension REGISTRY = RegistryExtension.perClass();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).build();

    @Test
    void pushesAndPullsAGibibyteMonolithicallyAndInChunksWithoutGrowingTheHeap() throws Exception {
        long heapBefore = heapUsedAfterFullGc();
        String repo = "library/large-" + System.nanoTime();

        GeneratedBlob monolithic = new GeneratedBlob(1);
        HttpResponse<String> posted = send(HttpRequest.newBuilder(uri("/v2/" + repo + "/blobs/uploads/?digest=" + monolithic.digest()))
                .header("Content-Type", "application/octet-stream")
                .POST(BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(() -> monolithic.stream(0, SIZE)), SIZE)));
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(201);
        assertPullsBack(repo, monolithic);

        GeneratedBlob chunked = new GeneratedBlob(2);
        HttpResponse<String> opened = send(HttpRequest.newBuilder(uri("/v2/" + repo + "/blobs/uploads/"))
                .POST(BodyPublishers.noBody()));
        assertThat(opened.statusCode()).isEqualTo(202);
        String location = opened.headers().firstValue("Location").orElseThrow();
        for (long start = 0; start < SIZE; start += CHUNK) {
            long end = Math.min(SIZE, start + CHUNK);
            long from = start;
            HttpResponse<String> patched = send(HttpRequest.newBuilder(uri(location))
                    .header("Content-Type", "application/octet-stream")
                    .header("Content-Range", start + "-" + (end - 1))
                    .method("PATCH", BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(() -> chunked.stream(from, end)), end - start)));
            assertThat(patched.statusCode()).as(patched.body()).isEqualTo(202);
            assertThat(patched.headers().firstValue("Range")).hasValue("0-" + (end - 1));
            location = patched.headers().firstValue("Location").orElseThrow();
        }
        String close = location + (location.contains("?") ? "&" : "?") + "digest=" + chunked.digest();
        HttpResponse<String> closed = send(HttpRequest.newBuilder(uri(close)).PUT(BodyPublishers.noBody()));
        assertThat(closed.statusCode()).as(closed.body()).isEqualTo(201);
        assertPullsBack(repo, chunked);

        long heapAfter = heapUsedAfterFullGc();
        assertThat(heapAfter).as("server heap after a full GC, before %d and after %d bytes", heapBefore, heapAfter)
                .isLessThan(heapBefore + 32L * BLOCK);
    }

    private void assertPullsBack(String repo, GeneratedBlob blob) throws IOException, InterruptedException {
        HttpResponse<InputStream> pulled = http.send(request(HttpRequest.newBuilder(uri("/v2/" + repo + "/blobs/" + blob.digest())).GET()),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(pulled.statusCode()).isEqualTo(200);
        assertThat(pulled.headers().firstValueAsLong("Content-Length")).hasValue(SIZE);
        MessageDigest sha = sha256();
        long total = 0;
        try (InputStream in = pulled.body()) {
            byte[] buffer = new byte[BLOCK];
            int n;
            while ((n = in.read(buffer)) > 0) {
                sha.update(buffer, 0, n);
                total += n;
            }
        }
        assertThat(total).isEqualTo(SIZE);
        assertThat("sha256:" + HexFormat.of().formatHex(sha.digest())).isEqualTo(blob.digest());
    }

    private HttpResponse<String> send(HttpRequest.Builder builder) throws IOException, InterruptedException {
        return http.send(request(builder), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest request(HttpRequest.Builder builder) {
        return builder.timeout(Duration.ofMinutes(5)).header("Authorization", REGISTRY.process().authorizationHeader()).build();
    }

    private URI uri(String pathOrLocation) {
        return REGISTRY.process().baseUri().resolve(pathOrLocation);
    }

    /** The server's used heap after a full collection, in bytes, read with {@code jcmd}. */
    private static long heapUsedAfterFullGc() throws IOException, InterruptedException {
        long pid = REGISTRY.process().pid();
        jcmd(pid, "GC.run");
        String info = jcmd(pid, "GC.heap_info");
        Matcher m = HEAP_USED.matcher(info);
        assertThat(m.find()).as("jcmd GC.heap_info output: %s", info).isTrue();
        return Long.parseLong(m.group(1)) * 1024;
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        String jcmd = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        Process p = new ProcessBuilder(jcmd, Long.toString(pid), command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Pseudo-random content, one seeded block at a time, so any window of it can be produced again. */
    private static final class GeneratedBlob {
        private final long seed;
        private final String digest;

        GeneratedBlob(long seed) throws IOException {
            this.seed = seed;
            MessageDigest sha = sha256();
            try (InputStream in = stream(0, SIZE)) {
                byte[] buffer = new byte[BLOCK];
                int n;
                while ((n = in.read(buffer)) > 0) {
                    sha.update(buffer, 0, n);
                }
            }
            this.digest = "sha256:" + HexFormat.of().formatHex(sha.digest());
        }

        String digest() {
            return digest;
        }

        /** The bytes [from, to); both are multiples of the block size or the end. */
        InputStream stream(long from, long to) {
            return new InputStream() {
                private final byte[] block = new byte[BLOCK];
                private long position = from;
                private int offsetInBlock = BLOCK;

                @Override
                public int read() {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    if (position >= to) {
                        return -1;
                    }
                    if (offsetInBlock == BLOCK) {
                        new SplittableRandom(seed * 1_000_003 + position / BLOCK).nextBytes(block);
                        offsetInBlock = (int) (position % BLOCK);
                    }
                    int n = (int) Math.min(Math.min(len, BLOCK - offsetInBlock), to - position);
                    System.arraycopy(block, offsetInBlock, b, off, n);
                    offsetInBlock += n;
                    position += n;
                    return n;
                }
            };
        }
    }
}
