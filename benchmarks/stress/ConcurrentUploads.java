import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Stress client for Berth: N concurrent blob uploads of a given size, mixed monolithic / chunked /
 * streamed, each verified afterwards. Single file, JDK only:
 *
 * <pre>java ConcurrentUploads.java --url http://127.0.0.1:PORT --token TOKEN [--count 32] [--mib 1024] ...</pre>
 *
 * Content of upload i is generated on the fly, 1 MiB block b = new SplittableRandom(seed * 1_000_003 + b),
 * with seed = seedBase + i, so nothing large is held in memory. Exit code 0 only if every upload
 * succeeded and every verification matched.
 */
public final class ConcurrentUploads {

    static final int BLOCK = 1 << 20;
    static final String[] MODES = {"monolithic", "chunked", "streamed"};

    // ---- options ----
    static String url;
    static String token;
    static int count = 32;
    static long mib = 1024;
    static long chunkMib = 64;
    static int sampleEvery = 8;
    static long seedBase = System.nanoTime() & 0xFFFFFFL;
    static String repoPrefix = "library/stress-";
    static int timeoutMin = 10;
    static int hashThreads = Runtime.getRuntime().availableProcessors();
    static long serverPid = -1;
    static boolean sharedClient = false;

    static String authHeader;

    public static void main(String[] args) throws Exception {
        parse(args);
        if (url == null || token == null) {
            usage("--url and --token are required");
        }
        url = url.replaceAll("/+$", "");
        authHeader = "Basic " + Base64.getEncoder().encodeToString(("admin:" + token).getBytes(StandardCharsets.UTF_8));
        long size = mib * BLOCK;
        long chunk = chunkMib * BLOCK;

        System.out.printf(Locale.ROOT, "config: count=%d size=%d MiB chunk=%d MiB sample-every=%d seed-base=%d url=%s timeout=%d min server-pid=%d%n",
                count, mib, chunkMib, sampleEvery, seedBase, url, timeoutMin, serverPid);

        // ---- pass 1: digests (parallel, not timed as part of the upload) ----
        long t0 = System.nanoTime();
        String[] digests = new String[count];
        ExecutorService hashPool = Executors.newFixedThreadPool(Math.max(1, hashThreads));
        List<Future<String>> hf = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            final long seed = seedBase + i;
            hf.add(hashPool.submit(() -> digestOf(seed, size)));
        }
        for (int i = 0; i < count; i++) {
            digests[i] = hf.get(i).get();
        }
        hashPool.shutdown();
        System.out.printf(Locale.ROOT, "digests of %d x %d MiB computed in %.1f s (%d threads, not part of the upload timing)%n",
                count, mib, (System.nanoTime() - t0) / 1e9, hashThreads);

        // ---- pass 2: concurrent uploads ----
        HttpClient shared = sharedClient ? newClient() : null;
        ExecutorService pool = Executors.newFixedThreadPool(count);
        CountDownLatch ready = new CountDownLatch(count);
        CountDownLatch go = new CountDownLatch(1);
        Result[] results = new Result[count];
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            final int idx = i;
            futures.add(pool.submit(() -> {
                Result r = new Result();
                r.index = idx;
                r.mode = MODES[idx % MODES.length];
                r.repo = repoPrefix + idx;
                r.digest = digests[idx];
                r.size = size;
                results[idx] = r;
                HttpClient client = shared != null ? shared : newClient();
                ready.countDown();
                try {
                    go.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                r.start = System.nanoTime();
                try {
                    switch (r.mode) {
                        case "monolithic" -> monolithic(client, r, seedBase + idx);
                        case "chunked" -> chunked(client, r, seedBase + idx, chunk);
                        default -> streamed(client, r, seedBase + idx);
                    }
                    r.uploaded = true;
                } catch (Throwable e) {
                    r.error = "upload: " + describe(e);
                } finally {
                    r.end = System.nanoTime();
                }
                if (r.uploaded) {
                    try {
                        verify(client, r, idx % sampleEvery == 0);
                    } catch (Throwable e) {
                        r.verifyError = "verify: " + describe(e);
                    }
                }
                r.verifyEnd = System.nanoTime();
                System.out.printf(Locale.ROOT, "  #%02d %-10s %s  %.1f s  %.1f MB/s%s%n", idx, r.mode,
                        r.ok() ? "ok  " : "FAIL", (r.end - r.start) / 1e9, r.size / 1e6 / ((r.end - r.start) / 1e9),
                        r.ok() ? (r.getChecked ? "  (GET re-hashed)" : "") : "  " + (r.error != null ? r.error : r.verifyError));
            }));
        }
        ready.await();
        long[] cpuBefore = serverCpuTicks();
        long wallStart = System.nanoTime();
        go.countDown();
        for (Future<?> f : futures) {
            f.get();
        }
        long wallEnd = System.nanoTime();
        long[] cpuAfter = serverCpuTicks();
        pool.shutdown();
        pool.awaitTermination(1, TimeUnit.MINUTES);

        // ---- report ----
        long uploadsEnd = Long.MIN_VALUE;
        for (Result r : results) {
            uploadsEnd = Math.max(uploadsEnd, r.end);
        }
        double uploadWall = (uploadsEnd - wallStart) / 1e9;
        double totalWall = (wallEnd - wallStart) / 1e9;
        System.out.println();
        System.out.printf(Locale.ROOT, "%-11s %5s %5s %8s %12s %12s %14s%n", "mode", "count", "ok", "failures",
                "GiB", "mode MB/s", "per-upload MB/s");
        int failures = 0;
        int mismatches = 0;
        long okBytes = 0;
        for (String mode : MODES) {
            int n = 0, ok = 0, fail = 0;
            long bytes = 0;
            long first = Long.MAX_VALUE, last = Long.MIN_VALUE;
            double sumRate = 0;
            for (Result r : results) {
                if (!r.mode.equals(mode)) continue;
                n++;
                if (r.ok()) {
                    ok++;
                    bytes += r.size;
                    sumRate += r.size / 1e6 / ((r.end - r.start) / 1e9);
                } else {
                    fail++;
                }
                first = Math.min(first, r.start);
                last = Math.max(last, r.end);
            }
            if (n == 0) continue;
            okBytes += bytes;
            double span = (last - first) / 1e9;
            System.out.printf(Locale.ROOT, "%-11s %5d %5d %8d %12.2f %12.1f %14.1f%n", mode, n, ok, fail,
                    bytes / (double) (1L << 30), span > 0 ? bytes / 1e6 / span : 0, ok > 0 ? sumRate / ok : 0);
        }
        for (Result r : results) {
            if (!r.ok()) failures++;
            if (r.mismatch) mismatches++;
        }
        int sampled = 0;
        for (Result r : results) if (r.getChecked) sampled++;
        System.out.println();
        System.out.printf(Locale.ROOT, "uploads: %d, failed: %d, digest mismatches: %d, HEAD-verified: %d, GET re-hashed: %d%n",
                count, failures, mismatches, count - failures, sampled);
        System.out.printf(Locale.ROOT, "wall time (all uploads): %.1f s, aggregate %.1f MB/s (%.2f GiB verified)%n",
                uploadWall, okBytes / 1e6 / uploadWall, okBytes / (double) (1L << 30));
        System.out.printf(Locale.ROOT, "wall time including verification: %.1f s%n", totalWall);
        if (cpuBefore != null && cpuAfter != null) {
            long ticks = clkTck();
            double u = (cpuAfter[0] - cpuBefore[0]) / (double) ticks;
            double s = (cpuAfter[1] - cpuBefore[1]) / (double) ticks;
            System.out.printf(Locale.ROOT, "server CPU during the run: %.1f s (user %.1f + sys %.1f), %.2f s per GB uploaded%n",
                    u + s, u, s, (u + s) / Math.max(1e-9, okBytes / 1e9));
        }
        if (serverPid > 0) {
            String hwm = procStatus("VmHWM");
            String rss = procStatus("VmRSS");
            System.out.printf(Locale.ROOT, "server peak RSS (VmHWM): %s, RSS now: %s%n", hwm, rss);
        }
        System.out.printf(Locale.ROOT, "RESULT failures=%d mismatches=%d%n", failures, mismatches);
        System.exit(failures == 0 && mismatches == 0 ? 0 : 1);
    }

    // ---------------------------------------------------------------- uploads

    static void monolithic(HttpClient client, Result r, long seed) throws Exception {
        URI uri = URI.create(url + "/v2/" + r.repo + "/blobs/uploads/?digest=" + r.digest);
        HttpRequest req = base(uri)
                .POST(HttpRequest.BodyPublishers.fromPublisher(
                        HttpRequest.BodyPublishers.ofInputStream(() -> new GeneratedStream(seed, 0, r.size)), r.size))
                .build();
        HttpResponse<String> resp = client.send(req, HttpResponse.BodyHandlers.ofString());
        expect(resp, 201, "monolithic POST");
        checkDigestHeader(resp, r);
    }

    static void chunked(HttpClient client, Result r, long seed, long chunk) throws Exception {
        String location = open(client, r);
        for (long off = 0; off < r.size; off += chunk) {
            long len = Math.min(chunk, r.size - off);
            final long o = off;
            HttpRequest req = base(resolve(location))
                    .header("Content-Type", "application/octet-stream")
                    .header("Content-Range", off + "-" + (off + len - 1))
                    .method("PATCH", HttpRequest.BodyPublishers.fromPublisher(
                            HttpRequest.BodyPublishers.ofInputStream(() -> new GeneratedStream(seed, o, len)), len))
                    .build();
            HttpResponse<String> resp = client.send(req, HttpResponse.BodyHandlers.ofString());
            expect(resp, 202, "PATCH " + off + "-" + (off + len - 1));
            location = locationOf(resp, "PATCH");
        }
        close(client, r, location);
    }

    static void streamed(HttpClient client, Result r, long seed) throws Exception {
        String location = open(client, r);
        // ofInputStream has no known length: HttpClient sends Transfer-Encoding: chunked.
        HttpRequest req = base(resolve(location))
                .header("Content-Type", "application/octet-stream")
                .method("PATCH", HttpRequest.BodyPublishers.ofInputStream(() -> new GeneratedStream(seed, 0, r.size)))
                .build();
        HttpResponse<String> resp = client.send(req, HttpResponse.BodyHandlers.ofString());
        expect(resp, 202, "streamed PATCH");
        close(client, r, locationOf(resp, "streamed PATCH"));
    }

    static String open(HttpClient client, Result r) throws Exception {
        HttpRequest req = base(URI.create(url + "/v2/" + r.repo + "/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();
        HttpResponse<String> resp = client.send(req, HttpResponse.BodyHandlers.ofString());
        expect(resp, 202, "POST (open session)");
        return locationOf(resp, "POST");
    }

    static void close(HttpClient client, Result r, String location) throws Exception {
        String sep = location.contains("?") ? "&" : "?";
        HttpRequest req = base(resolve(location + sep + "digest=" + r.digest))
                .PUT(HttpRequest.BodyPublishers.noBody())
                .build();
        HttpResponse<String> resp = client.send(req, HttpResponse.BodyHandlers.ofString());
        expect(resp, 201, "PUT ?digest=");
        checkDigestHeader(resp, r);
    }

    static void verify(HttpClient client, Result r, boolean getToo) throws Exception {
        URI blob = URI.create(url + "/v2/" + r.repo + "/blobs/" + r.digest);
        HttpResponse<Void> head = client.send(base(blob).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding());
        if (head.statusCode() != 200) {
            throw new IOException("HEAD answered " + head.statusCode());
        }
        long len = head.headers().firstValueAsLong("Content-Length").orElse(-1);
        if (len != r.size) {
            r.mismatch = true;
            throw new IOException("HEAD Content-Length " + len + " != " + r.size);
        }
        if (!getToo) return;
        HttpResponse<InputStream> get = client.send(base(blob).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        if (get.statusCode() != 200) {
            get.body().close();
            throw new IOException("GET answered " + get.statusCode());
        }
        MessageDigest md = sha256();
        long n = 0;
        byte[] buf = new byte[256 * 1024];
        try (InputStream in = get.body()) {
            int k;
            while ((k = in.read(buf)) > 0) {
                md.update(buf, 0, k);
                n += k;
            }
        }
        String got = "sha256:" + HexFormat.of().formatHex(md.digest());
        if (n != r.size || !got.equals(r.digest)) {
            r.mismatch = true;
            throw new IOException("GET body: " + n + " bytes, " + got + " (expected " + r.size + " bytes, " + r.digest + ")");
        }
        r.getChecked = true;
    }

    static void checkDigestHeader(HttpResponse<?> resp, Result r) throws IOException {
        String d = resp.headers().firstValue("Docker-Content-Digest").orElse(null);
        if (d != null && !d.equals(r.digest)) {
            r.mismatch = true;
            throw new IOException("Docker-Content-Digest " + d + " != " + r.digest);
        }
    }

    static void expect(HttpResponse<String> resp, int status, String what) throws IOException {
        if (resp.statusCode() != status) {
            String body = resp.body() == null ? "" : resp.body();
            if (body.length() > 300) body = body.substring(0, 300) + "...";
            throw new IOException(what + " answered " + resp.statusCode() + " (expected " + status + "): " + body.strip());
        }
    }

    static String locationOf(HttpResponse<?> resp, String what) throws IOException {
        return resp.headers().firstValue("Location")
                .orElseThrow(() -> new IOException(what + " answered without Location"));
    }

    static URI resolve(String location) {
        return URI.create(url + "/").resolve(location);
    }

    static HttpRequest.Builder base(URI uri) {
        return HttpRequest.newBuilder(uri)
                .timeout(Duration.ofMinutes(timeoutMin))
                .header("Authorization", authHeader);
    }

    static HttpClient newClient() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(30))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (sb.length() > 0) sb.append(" <- ");
            sb.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
            if (t.getCause() == t) break;
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------- content

    static void fillBlock(long seed, long blockIndex, byte[] block) {
        new SplittableRandom(seed * 1_000_003L + blockIndex).nextBytes(block);
    }

    static String digestOf(long seed, long size) {
        MessageDigest md = sha256();
        byte[] block = new byte[BLOCK];
        long blocks = (size + BLOCK - 1) / BLOCK;
        for (long b = 0; b < blocks; b++) {
            fillBlock(seed, b, block);
            md.update(block, 0, (int) Math.min(BLOCK, size - b * BLOCK));
        }
        return "sha256:" + HexFormat.of().formatHex(md.digest());
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Bytes [offset, offset+length) of upload content {@code seed}, generated one 1 MiB block at a time. */
    static final class GeneratedStream extends InputStream {
        private final long seed;
        private final long end;
        private long pos;
        private final byte[] block = new byte[BLOCK];
        private long blockIndex = -1;

        GeneratedStream(long seed, long offset, long length) {
            this.seed = seed;
            this.pos = offset;
            this.end = offset + length;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos >= end) return -1;
            long bi = pos / BLOCK;
            if (bi != blockIndex) {
                fillBlock(seed, bi, block);
                blockIndex = bi;
            }
            int inBlock = (int) (pos % BLOCK);
            int n = (int) Math.min(Math.min(len, BLOCK - inBlock), end - pos);
            System.arraycopy(block, inBlock, b, off, n);
            pos += n;
            return n;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }
    }

    // ---------------------------------------------------------------- server process

    static long[] serverCpuTicks() {
        if (serverPid <= 0) return null;
        try {
            String stat = Files.readString(Path.of("/proc/" + serverPid + "/stat"));
            // fields after the ")" of comm: state is field 3; utime is 14, stime 15 (1-based)
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])};
        } catch (IOException | RuntimeException e) {
            System.out.println("cannot read /proc/" + serverPid + "/stat: " + e);
            return null;
        }
    }

    static String procStatus(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + serverPid + "/status"))) {
                if (line.startsWith(key + ":")) {
                    long kb = Long.parseLong(line.substring(key.length() + 1).replace("kB", "").trim());
                    return String.format(Locale.ROOT, "%.1f MiB", kb / 1024.0);
                }
            }
        } catch (IOException | RuntimeException e) {
            return "unreadable (" + e.getMessage() + ")";
        }
        return "n/a";
    }

    static long clkTck() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            p.waitFor();
            return Long.parseLong(out);
        } catch (Exception e) {
            return 100;
        }
    }

    // ---------------------------------------------------------------- options

    static void parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) usage(null);
            if (a.equals("--shared-client")) {
                sharedClient = true;
                continue;
            }
            if (i + 1 >= args.length) usage("missing value for " + a);
            String v = args[++i];
            switch (a) {
                case "--url" -> url = v;
                case "--token" -> token = v;
                case "--count" -> count = Integer.parseInt(v);
                case "--mib" -> mib = Long.parseLong(v);
                case "--chunk-mib" -> chunkMib = Long.parseLong(v);
                case "--sample-every" -> sampleEvery = Integer.parseInt(v);
                case "--seed" -> seedBase = Long.parseLong(v);
                case "--repo-prefix" -> repoPrefix = v;
                case "--timeout-min" -> timeoutMin = Integer.parseInt(v);
                case "--hash-threads" -> hashThreads = Integer.parseInt(v);
                case "--server-pid" -> serverPid = Long.parseLong(v);
                default -> usage("unknown option " + a);
            }
        }
        if (count < 1 || mib < 1 || chunkMib < 1 || sampleEvery < 1) usage("counts and sizes must be positive");
    }

    static void usage(String error) {
        if (error != null) System.err.println("error: " + error);
        System.err.println("usage: java ConcurrentUploads.java --url http://127.0.0.1:PORT --token TOKEN\n"
                + "  [--count 32] [--mib 1024] [--chunk-mib 64] [--sample-every 8] [--seed N]\n"
                + "  [--repo-prefix library/stress-] [--timeout-min 10] [--hash-threads NCPU]\n"
                + "  [--server-pid PID] [--shared-client]");
        System.exit(error == null ? 0 : 2);
    }

    static final class Result {
        int index;
        String mode;
        String repo;
        String digest;
        long size;
        long start, end, verifyEnd;
        boolean uploaded;
        boolean getChecked;
        boolean mismatch;
        String error;
        String verifyError;

        boolean ok() {
            return uploaded && error == null && verifyError == null;
        }
    }
}
