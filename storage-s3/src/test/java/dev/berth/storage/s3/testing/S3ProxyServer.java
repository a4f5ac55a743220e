package dev.berth.storage.s3.testing;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real S3-compatible server for the tests: S3Proxy (the build's version) with its {@code filesystem-nio2} backend, run as a process
 * of its own from the jar the build copies ({@code berth.s3proxy.jar}), started once per test JVM on a free port and
 * stopped when the JVM exits. Each caller gets a bucket of its own ({@link #newBucket}). The store tests of
 * {@code storage-s3} use it, and the black-box tests of {@code conformance-tests} start servers on it.
 */
public final class S3ProxyServer {
    /** The access key and secret the server accepts (AWS signature v2 or v4). */
    public static final String ACCESS_KEY = "berth-test";
    public static final String SECRET_KEY = "berth-test-secret";
    private static S3ProxyServer shared;

    private final Process process;
    private final Path dir;
    private final URI endpoint;
    private final AtomicInteger buckets = new AtomicInteger();

    private S3ProxyServer(Process process, Path dir, URI endpoint) {
        this.process = process;
        this.dir = dir;
        this.endpoint = endpoint;
    }

    /**
     * The server of this JVM, started on first use. The SDK's default credentials of this JVM are set to its keys,
     * for stores that a test opens in-process.
     */
    public static synchronized S3ProxyServer shared() throws IOException, InterruptedException {
        if (shared == null) {
            System.setProperty("aws.accessKeyId", ACCESS_KEY);
            System.setProperty("aws.secretAccessKey", SECRET_KEY);
            shared = start(Path.of(System.getProperty("berth.s3proxy.jar", "target/s3proxy/s3proxy.jar")));
        }
        return shared;
    }

    public URI endpoint() {
        return endpoint;
    }

    /** The name of a new, empty bucket. */
    public String newBucket() {
        String bucket = "berth-test-" + buckets.incrementAndGet();
        try (S3Client client = client()) {
            client.createBucket(b -> b.bucket(bucket));
        }
        return bucket;
    }

    /**
     * A client of the server, for a test to look into its buckets: path-style addressing, the server's keys, and
     * checksums only where required (S3Proxy refuses the SDK's default ones).
     */
    public S3Client client() {
        return S3Client.builder().endpointOverride(endpoint).forcePathStyle(true).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
    }

    /** The environment a server process needs to reach the server: its keys, as the SDK's default chain reads them. */
    public static java.util.Map<String, String> credentialsEnvironment() {
        return java.util.Map.of("AWS_ACCESS_KEY_ID", ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", SECRET_KEY);
    }

    private static S3ProxyServer start(Path jar) throws IOException, InterruptedException {
        if (!Files.isRegularFile(jar)) {
            throw new IOException("no S3Proxy jar at " + jar + ": the build copies it (mvn generate-test-resources)");
        }
        Path dir = Files.createTempDirectory("berth-s3proxy");
        Files.createDirectories(dir.resolve("data"));
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        URI endpoint = URI.create("http://127.0.0.1:" + port);
        Files.writeString(dir.resolve("s3proxy.conf"), String.join("\n",
                "s3proxy.endpoint=" + endpoint,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + ACCESS_KEY,
                "s3proxy.credential=" + SECRET_KEY,
                "jclouds.provider=filesystem-nio2",
                "jclouds.identity=" + ACCESS_KEY,
                "jclouds.credential=" + SECRET_KEY,
                "jclouds.filesystem.basedir=" + dir.resolve("data"), ""));
        Process process = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "--properties", dir.resolve("s3proxy.conf").toString()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("s3proxy.log").toFile()).start();
        S3ProxyServer server = new S3ProxyServer(process, dir, endpoint);
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "berth-test-s3proxy-stop"));
        server.awaitUp();
        return server;
    }

    /** Waits until the server answers HTTP (403 to an unsigned request), for up to a minute. */
    private void awaitUp() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("S3Proxy exited: " + Files.readString(dir.resolve("s3proxy.log")));
            }
            try {
                HttpURLConnection c = (HttpURLConnection) endpoint.toURL().openConnection();
                c.setConnectTimeout(500);
                c.getResponseCode();
                c.disconnect();
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IOException("S3Proxy did not answer within a minute: " + Files.readString(dir.resolve("s3proxy.log")));
    }

    private void stop() {
        process.destroy();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not remove " + dir + ": " + e.getMessage());
        }
    }
}
