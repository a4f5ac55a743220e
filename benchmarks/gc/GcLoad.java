import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Load generator of the garbage-collection benchmark (see README.md). Single file, JDK only, run with
 * {@code java GcLoad.java COMMAND --option value ...}. Requests go over plain keep-alive HTTP/1.1 sockets, one
 * per client thread (a few microseconds of client CPU per request, so that the client takes little of the
 * cores it shares with the server). The {@code Authorization} header value, if any, comes from the environment
 * variable {@code GCLOAD_AUTH} (so that no secret shows in the process list).
 *
 * <pre>
 * populate --mode berth|dist|dist-files --blobs N --images M --repos R --threads T --bytes B --out FILE
 *          [--url U] [--root DIR] [--prefix P]
 *     N blobs of B random bytes, linked to no manifest, in the repositories P-blobs-0..R-1, and M images (a config
 *     of ~150 bytes, a layer of B random bytes, an OCI image manifest) in P-images-0..R-1 (P: library/gc);
 *     even-numbered images are pushed by tag (v&lt;i&gt;), odd-numbered ones by digest. Writes "repository digest
 *     tag" (tag "-" for none) of every manifest to FILE. berth: each blob in one monolithic POST ?digest= with the body; dist: POST, then
 *     PUT ?digest= with the body (Distribution 2.8 ignores the body of a POST ?digest=); dist-files: no server,
 *     the files Distribution's filesystem driver would write, under its root directory DIR.
 * delete --url U --threads T --list FILE [--root DIR]
 *     DELETE /v2/REPOSITORY/manifests/DIGEST for every line of FILE (202 expected); with --root, no server: what
 *     Distribution 2.8's DELETE does to its filesystem layout under DIR, done to the files.
 * push --url U --mode berth|dist --repo NAME --threads T --bytes B --out FILE [--max-seconds S]
 *     The concurrent push workload: each thread, in a loop, uploads a new layer of B random bytes and a new
 *     config, then PUTs a manifest by tag. Runs until standard input closes (or S seconds, default 1800), then
 *     writes one line per completed push to FILE: "end_epoch_ms latency_us", and prints a summary line.
 * </pre>
 * Every command prints one JSON line on standard output; progress goes to standard error. A failed request
 * ends populate and delete with exit code 1; push counts failures and goes on.
 */
public final class GcLoad {
    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            usage();
        }
        Map<String, String> o = options(args);
        String auth = System.getenv("GCLOAD_AUTH");
        URI url = URI.create(o.getOrDefault("url", "http://127.0.0.1:0"));
        switch (args[0]) {
            case "populate" -> populate(url, auth, o);
            case "delete" -> delete(url, auth, o);
            case "push" -> push(url, auth, o);
            default -> usage();
        }
    }

    // ------------------------------------------------------------------ populate

    static void populate(URI url, String auth, Map<String, String> o) throws Exception {
        String mode = mode(o);
        String prefix = o.getOrDefault("prefix", "library/gc");
        long blobs = Long.parseLong(need(o, "blobs"));
        long images = Long.parseLong(need(o, "images"));
        int repos = Integer.parseInt(need(o, "repos"));
        int threads = Integer.parseInt(need(o, "threads"));
        int bytes = Integer.parseInt(need(o, "bytes"));
        Path out = Path.of(need(o, "out"));
        AtomicLong nextBlob = new AtomicLong();
        AtomicLong nextImage = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<List<String>> manifests = new ArrayList<>();
        List<Thread> workers = new ArrayList<>();
        long t0 = System.nanoTime();
        Progress progress = new Progress("populate", blobs + images, () -> nextBlob.get() + nextImage.get());
        for (int t = 0; t < threads; t++) {
            List<String> mine = new ArrayList<>();
            manifests.add(mine);
            int id = t;
            workers.add(new Thread(() -> {
                SplittableRandom random = new SplittableRandom(System.nanoTime() ^ ((long) id << 48));
                try (Registry registry = registry(url, auth, mode, o)) {
                    for (long i; failure.get() == null && (i = nextBlob.getAndIncrement()) < blobs; ) {
                        String repo = prefix + "-blobs-" + (i % repos);
                        registry.upload(repo, randomBytes(random, bytes));
                    }
                    for (long i; failure.get() == null && (i = nextImage.getAndIncrement()) < images; ) {
                        String repo = prefix + "-images-" + (i % repos);
                        String tag = i % 2 == 0 ? "v" + i : null;
                        String digest = pushImage(registry, repo, random, bytes, tag, i);
                        mine.add(repo + " " + digest + " " + (tag == null ? "-" : tag));
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "populate-" + t));
        }
        double seconds = runToEnd(workers, progress, failure, t0);
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out))) {
            manifests.forEach(list -> list.forEach(w::println));
        }
        long requests = switch (mode) {
            case "berth" -> blobs + images * 3;
            case "dist" -> blobs * 2 + images * 5;
            default -> 0;
        };
        System.out.printf(Locale.ROOT, "{\"mode\": \"%s\", \"blobs\": %d, \"images\": %d, \"requests\": %d, "
                + "\"seconds\": %.2f, \"blobs_per_s\": %.1f}%n", mode, blobs, images, requests, seconds,
                (blobs + 3 * images) / seconds);
    }

    /** Pushes a new image (config, layer, manifest) by tag, or by digest when tag is null; returns its digest. */
    static String pushImage(Registry registry, String repo, SplittableRandom random, int bytes, String tag, long n)
            throws IOException {
        byte[] layer = randomBytes(random, bytes);
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Labels\":{\"n\":\"" + n + "-"
                + Long.toHexString(random.nextLong()) + "\"}},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}")
                .getBytes(StandardCharsets.UTF_8);
        String layerDigest = registry.upload(repo, layer);
        String configDigest = registry.upload(repo, config);
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",\"config\":{\"mediaType\":\""
                + OCI_CONFIG + "\",\"digest\":\"" + configDigest + "\",\"size\":" + config.length + "},\"layers\":[{"
                + "\"mediaType\":\"" + OCI_LAYER + "\",\"digest\":\"" + layerDigest + "\",\"size\":" + layer.length
                + "}]}").getBytes(StandardCharsets.UTF_8);
        String digest = sha256(manifest);
        registry.putManifest(repo, tag, digest, manifest);
        return digest;
    }

    /** Where populate and push put blobs and manifests. */
    interface Registry extends AutoCloseable {
        /** Stores a blob in the repository; returns its digest. */
        String upload(String repo, byte[] content) throws IOException;

        /** Stores a manifest by tag, or by digest when tag is null. */
        void putManifest(String repo, String tag, String digest, byte[] manifest) throws IOException;

        @Override
        void close();
    }

    static Registry registry(URI url, String auth, String mode, Map<String, String> o) {
        return mode.equals("dist-files") ? new DistributionFiles(Path.of(need(o, "root")))
                : new HttpRegistry(new Http(url, auth), mode.equals("berth"));
    }

    /** Through the OCI API. */
    record HttpRegistry(Http http, boolean berth) implements Registry {
        @Override
        public String upload(String repo, byte[] content) throws IOException {
            String digest = sha256(content);
            if (berth) {
                http.send("POST", "/v2/" + repo + "/blobs/uploads/?digest=" + digest, "application/octet-stream", content)
                        .expect(201, "monolithic upload to " + repo);
            } else {
                // Distribution 2.8 ignores the body of a POST ?digest=: POST, then PUT ?digest= with the body.
                Http.Response started = http.send("POST", "/v2/" + repo + "/blobs/uploads/", null, null);
                started.expect(202, "upload start in " + repo);
                URI at = URI.create(started.header("location"));
                String path = at.getRawPath() + (at.getRawQuery() == null ? "?" : "?" + at.getRawQuery() + "&")
                        + "digest=" + digest;
                http.send("PUT", path, "application/octet-stream", content).expect(201, "upload finish in " + repo);
            }
            return digest;
        }

        @Override
        public void putManifest(String repo, String tag, String digest, byte[] manifest) throws IOException {
            http.send("PUT", "/v2/" + repo + "/manifests/" + (tag == null ? digest : tag), OCI_MANIFEST, manifest)
                    .expect(201, "manifest PUT in " + repo);
        }

        @Override
        public void close() {
            http.close();
        }
    }

    /**
     * Straight into the storage layout of Distribution 2.8's filesystem driver, as its API would leave it (the
     * benchmark's run checks that against an image pushed through the API): blobs/sha256/HH/HEX/data, and per
     * repository _layers/sha256/HEX/link for every blob uploaded into it, _manifests/revisions/sha256/HEX/link for
     * every manifest, _manifests/tags/TAG/current/link and _manifests/tags/TAG/index/sha256/HEX/link for a tag, and
     * an empty _uploads. A link file holds the digest, without a newline.
     */
    record DistributionFiles(Path root) implements Registry {
        DistributionFiles(Path root) {
            this.root = root.resolve("docker/registry/v2");
        }

        @Override
        public String upload(String repo, byte[] content) throws IOException {
            String digest = sha256(content);
            blob(digest, content);
            Files.createDirectories(repository(repo).resolve("_uploads"));
            link(repository(repo).resolve("_layers").resolve(path(digest)), digest);
            return digest;
        }

        @Override
        public void putManifest(String repo, String tag, String digest, byte[] manifest) throws IOException {
            blob(digest, manifest);
            Path manifests = repository(repo).resolve("_manifests");
            link(manifests.resolve("revisions").resolve(path(digest)), digest);
            if (tag != null) {
                link(manifests.resolve("tags").resolve(tag).resolve("current"), digest);
                link(manifests.resolve("tags").resolve(tag).resolve("index").resolve(path(digest)), digest);
            }
        }

        private Path repository(String repo) {
            return root.resolve("repositories").resolve(repo);
        }

        private void blob(String digest, byte[] content) throws IOException {
            String hex = digest.substring("sha256:".length());
            Path dir = root.resolve("blobs/sha256").resolve(hex.substring(0, 2)).resolve(hex);
            Files.createDirectories(dir);
            Files.write(dir.resolve("data"), content);
        }

        /**
         * What Distribution 2.8's manifest DELETE leaves: the revision's link removed (its directory stays), and the directory of
         * every tag whose current link names the manifest (the handler looks the tags up and untags each; here
         * the one tag populate gave it, checked).
         */
        static void deleteManifest(Path root, String repo, String digest, String tag) throws IOException {
            Path manifests = new DistributionFiles(root).repository(repo).resolve("_manifests");
            Path revision = manifests.resolve("revisions").resolve(path(digest));
            if (!Files.exists(revision.resolve("link"))) {
                throw new IOException("no revision " + digest + " in " + repo);
            }
            Files.delete(revision.resolve("link"));
            if (tag != null) {
                Path current = manifests.resolve("tags").resolve(tag).resolve("current/link");
                if (!Files.readString(current).equals(digest)) {
                    throw new IOException("tag " + tag + " in " + repo + " does not name " + digest);
                }
                deleteTree(manifests.resolve("tags").resolve(tag));
            }
        }

        private static void deleteTree(Path dir) throws IOException {
            try (var walk = Files.walk(dir)) {
                for (Path p : (Iterable<Path>) walk.sorted(java.util.Comparator.reverseOrder())::iterator) {
                    Files.delete(p);
                }
            }
        }

        private static String path(String digest) {
            return "sha256/" + digest.substring("sha256:".length());
        }

        private static void link(Path dir, String digest) throws IOException {
            Files.createDirectories(dir);
            Files.write(dir.resolve("link"), digest.getBytes(StandardCharsets.US_ASCII));
        }

        @Override
        public void close() {
        }
    }

    // ------------------------------------------------------------------ delete

    static void delete(URI url, String auth, Map<String, String> o) throws Exception {
        int threads = Integer.parseInt(need(o, "threads"));
        List<String> lines = Files.readAllLines(Path.of(need(o, "list")));
        Path root = o.containsKey("root") ? Path.of(o.get("root")) : null;
        AtomicLong next = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> workers = new ArrayList<>();
        long t0 = System.nanoTime();
        Progress progress = new Progress("delete", lines.size(), next::get);
        for (int t = 0; t < threads; t++) {
            workers.add(new Thread(() -> {
                try (Http http = new Http(url, auth)) {
                    for (long i; failure.get() == null && (i = next.getAndIncrement()) < lines.size(); ) {
                        String[] line = lines.get((int) i).split(" ");
                        if (root != null) {
                            DistributionFiles.deleteManifest(root, line[0], line[1], line[2].equals("-") ? null : line[2]);
                        } else {
                            http.send("DELETE", "/v2/" + line[0] + "/manifests/" + line[1], null, null)
                                    .expect(202, "manifest DELETE in " + line[0]);
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "delete-" + t));
        }
        double seconds = runToEnd(workers, progress, failure, t0);
        System.out.printf(Locale.ROOT, "{\"deleted\": %d, \"seconds\": %.2f, \"per_s\": %.1f}%n",
                lines.size(), seconds, lines.size() / seconds);
    }

    // ------------------------------------------------------------------ push

    static void push(URI url, String auth, Map<String, String> o) throws Exception {
        String mode = mode(o);
        String repo = need(o, "repo");
        int threads = Integer.parseInt(need(o, "threads"));
        int bytes = Integer.parseInt(need(o, "bytes"));
        Path out = Path.of(need(o, "out"));
        long maxMillis = Long.parseLong(o.getOrDefault("max-seconds", "1800")) * 1000;
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong failures = new AtomicLong();
        AtomicReference<String> firstFailure = new AtomicReference<>();
        List<long[]> done = new ArrayList<>();   // per thread: end ms, latency us, alternating
        List<int[]> counts = new ArrayList<>();
        List<Thread> workers = new ArrayList<>();
        long deadline = System.currentTimeMillis() + maxMillis;
        for (int t = 0; t < threads; t++) {
            long[][] samples = {new long[1 << 16]};
            int[] count = {0};
            counts.add(count);
            int id = t;
            Thread worker = new Thread(() -> {
                SplittableRandom random = new SplittableRandom(System.nanoTime() ^ ((long) id << 48));
                Registry registry = registry(url, auth, mode, o);
                long n = 0;
                while (!stop.get() && System.currentTimeMillis() < deadline) {
                    long t0 = System.nanoTime();
                    try {
                        pushImage(registry, repo, random, bytes, "p" + id + "-" + n, n++);
                    } catch (Exception e) {
                        failures.incrementAndGet();
                        firstFailure.compareAndSet(null, e.toString());
                        registry.close();  // a new connection for the next push
                        continue;
                    }
                    long latencyUs = (System.nanoTime() - t0) / 1000;
                    if (2 * count[0] + 2 > samples[0].length) {
                        samples[0] = java.util.Arrays.copyOf(samples[0], samples[0].length * 2);
                    }
                    samples[0][2 * count[0]] = System.currentTimeMillis();
                    samples[0][2 * count[0] + 1] = latencyUs;
                    count[0]++;
                }
                registry.close();
                synchronized (done) {
                    done.add(java.util.Arrays.copyOf(samples[0], 2 * count[0]));
                }
            }, "push-" + t);
            workers.add(worker);
        }
        workers.forEach(Thread::start);
        // Standard input closing is the signal to stop.
        Thread stdin = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // ignore whatever is sent
                }
            } catch (IOException ignored) {
                // closed
            }
            stop.set(true);
        }, "stdin");
        stdin.setDaemon(true);
        stdin.start();
        for (Thread w : workers) {
            w.join();
        }
        long total = 0;
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out))) {
            for (long[] s : done) {
                for (int i = 0; i < s.length; i += 2) {
                    w.println(s[i] + " " + s[i + 1]);
                }
                total += s.length / 2;
            }
        }
        System.out.printf(Locale.ROOT, "{\"pushes\": %d, \"failures\": %d, \"first_failure\": %s}%n", total,
                failures.get(), firstFailure.get() == null ? "null" : "\"" + firstFailure.get().replace("\\", "\\\\")
                        .replace("\"", "'").replace("\n", " ") + "\"");
    }

    // ------------------------------------------------------------------ helpers

    static byte[] randomBytes(SplittableRandom random, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i += 8) {
            long v = random.nextLong();
            for (int j = 0; j < 8 && i + j < n; j++) {
                b[i + j] = (byte) (v >>> (8 * j));
            }
        }
        return b;
    }

    static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    static String sha256(byte[] content) {
        return "sha256:" + HexFormat.of().formatHex(SHA256.get().digest(content));
    }

    static String mode(Map<String, String> o) {
        String mode = need(o, "mode");
        if (!List.of("berth", "dist", "dist-files").contains(mode)) {
            throw new IllegalArgumentException("--mode berth|dist|dist-files, not " + mode);
        }
        return mode;
    }

    static Map<String, String> options(String[] args) {
        Map<String, String> o = new HashMap<>();
        for (int i = 1; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --option value at " + args[i]);
            }
            o.put(args[i].substring(2), args[i + 1]);
        }
        return o;
    }

    static String need(Map<String, String> o, String key) {
        String v = o.get(key);
        if (v == null) {
            throw new IllegalArgumentException("missing --" + key);
        }
        return v;
    }

    static void usage() {
        System.err.println("usage: java GcLoad.java populate|delete|push --url URL ... (see the class comment)");
        System.exit(2);
    }

    /**
     * Starts the workers and waits for them all, then stops the progress line; exits with status 1 and the first
     * failure a worker recorded. Returns the seconds since {@code t0}.
     */
    static double runToEnd(List<Thread> workers, Progress progress, AtomicReference<Throwable> failure, long t0)
            throws InterruptedException {
        workers.forEach(Thread::start);
        for (Thread w : workers) {
            w.join();
        }
        progress.stop();
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (failure.get() != null) {
            failure.get().printStackTrace();
            System.exit(1);
        }
        return seconds;
    }

    /** Prints done/total to standard error every 5 s. */
    static final class Progress {
        private final Thread thread;

        Progress(String what, long total, java.util.function.LongSupplier done) {
            long t0 = System.nanoTime();
            thread = new Thread(() -> {
                try {
                    while (true) {
                        Thread.sleep(5000);
                        long d = Math.min(done.getAsLong(), total);
                        System.err.printf(Locale.ROOT, "[GcLoad] %s: %d of %d after %.0f s%n", what, d, total,
                                (System.nanoTime() - t0) / 1e9);
                    }
                } catch (InterruptedException e) {
                    // stopped
                }
            }, "progress");
            thread.setDaemon(true);
            thread.start();
        }

        void stop() {
            thread.interrupt();
        }
    }

    /** One keep-alive HTTP/1.1 connection; reconnects when the server closed it. */
    static final class Http implements AutoCloseable {
        private final URI base;
        private final String auth;
        private Socket socket;
        private InputStream in;
        private OutputStream out;

        Http(URI base, String auth) {
            this.base = base;
            this.auth = auth == null || auth.isEmpty() ? null : auth;
        }

        record Response(int status, Map<String, String> headers, byte[] body, String what) {
            String header(String name) {
                return headers.get(name);
            }

            void expect(int expected, String doing) throws IOException {
                if (status != expected) {
                    throw new IOException(doing + ": " + what + " answered " + status + ", expected " + expected + ": "
                            + new String(body, 0, Math.min(body.length, 400), StandardCharsets.UTF_8));
                }
            }
        }

        Response send(String method, String path, String contentType, byte[] body) throws IOException {
            if (socket == null) {
                socket = new Socket();
                socket.setTcpNoDelay(true);
                socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 10_000);
                socket.setSoTimeout(120_000);
                in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
                out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
            }
            StringBuilder head = new StringBuilder(256).append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                    .append("Host: ").append(base.getHost()).append(':').append(base.getPort()).append("\r\n");
            if (auth != null) {
                head.append("Authorization: ").append(auth).append("\r\n");
            }
            if (contentType != null) {
                head.append("Content-Type: ").append(contentType).append("\r\n");
            }
            head.append("Content-Length: ").append(body == null ? 0 : body.length).append("\r\n\r\n");
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                out.write(body);
            }
            out.flush();
            String status = line();
            if (status == null) {
                close();
                throw new IOException(method + " " + path + ": connection closed before an answer");
            }
            int code = Integer.parseInt(status.split(" ", 3)[1]);
            Map<String, String> headers = new HashMap<>();
            for (String h; !(h = line()).isEmpty(); ) {
                int colon = h.indexOf(':');
                headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
            }
            byte[] content;
            if (method.equals("HEAD") || code == 204 || code == 304) {
                content = new byte[0];
            } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                for (int n; (n = Integer.parseInt(line().split(";")[0].trim(), 16)) > 0; ) {
                    b.write(in.readNBytes(n));
                    line();
                }
                while (!line().isEmpty()) {
                    // trailers
                }
                content = b.toByteArray();
            } else {
                String length = headers.get("content-length");
                content = length == null ? in.readAllBytes() : in.readNBytes(Integer.parseInt(length));
                if (length == null) {
                    close();
                }
            }
            if ("close".equalsIgnoreCase(headers.get("connection"))) {
                close();
            }
            return new Response(code, headers, content, method + " " + path.replaceAll("\\?.*", "?..."));
        }

        private String line() throws IOException {
            StringBuilder s = new StringBuilder(64);
            for (int c; (c = in.read()) >= 0; ) {
                if (c == '\n') {
                    int n = s.length();
                    return n > 0 && s.charAt(n - 1) == '\r' ? s.substring(0, n - 1) : s.toString();
                }
                s.append((char) c);
            }
            if (s.length() == 0) {
                return null;
            }
            throw new IOException("connection closed in the middle of a line");
        }

        @Override
        public void close() {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
                socket = null;
            }
        }
    }
}
