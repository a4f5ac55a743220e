package dev.berth.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * HAProxy (Debian's {@code haproxy} package) as a process of its own ({@code haproxy -db -f CONFIG}, in the
 * foreground) on a free loopback port, in front of servers on loopback ports: what a cluster's clients talk to.
 * The config has the shape of {@code scripts/lib-cluster.sh}'s: mode http, round robin per request (also for the
 * requests of one kept-alive client connection: no stickiness), bodies streamed, 10 minute client and server
 * timeouts, health check {@code GET /healthz}, one log line per request naming the backend ({@code nodes/node1}
 * for the first port) in {@link #log()}.
 *
 * <p>Tests that need it start with {@code assumeTrue(HaproxyBalancer.installed())}. {@link #close()} stops it and
 * deletes its temporary directory (config and log).
 */
public final class HaproxyBalancer implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final List<Process> LIVE = new ArrayList<>();

    static {
        // Never leave a balancer behind if the test JVM goes away abruptly.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            synchronized (LIVE) {
                LIVE.forEach(Process::destroyForcibly);
            }
        }, "berth-haproxy-reaper"));
    }

    private final Path dir;
    private final Path logFile;
    private final Process process;
    private final int port;

    private HaproxyBalancer(Path dir, Path logFile, Process process, int port) {
        this.dir = dir;
        this.logFile = logFile;
        this.process = process;
        this.port = port;
    }

    /** True when haproxy is on the PATH or at {@code /usr/sbin/haproxy} (not on a non-root user's PATH on Debian). */
    public static boolean installed() {
        return binary() != null;
    }

    /** Starts HAProxy in front of the servers on these loopback ports; returns once it accepts connections. */
    public static HaproxyBalancer start(List<Integer> backendPorts) {
        Path binary = binary();
        if (binary == null) {
            throw new IllegalStateException("haproxy is not installed (apt-get install haproxy)");
        }
        Path dir;
        try {
            dir = Files.createTempDirectory("berth-haproxy-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            // A port found free can be taken before HAProxy binds it: then another one.
            for (int attempt = 1; ; attempt++) {
                HaproxyBalancer balancer = launch(binary, dir, RegistryProcess.freePort(), backendPorts);
                if (balancer != null) {
                    return balancer;
                }
                if (attempt == 3) {
                    throw new IllegalStateException("haproxy could not bind a port. Its log:\n"
                            + read(dir.resolve("haproxy.log")));
                }
            }
        } catch (RuntimeException | Error e) {
            RegistryProcess.deleteRecursively(dir);
            throw e;
        }
    }

    /** The balancer, or null when HAProxy exited because its port was taken. */
    private static HaproxyBalancer launch(Path binary, Path dir, int port, List<Integer> backendPorts) {
        Path config = dir.resolve("haproxy.cfg");
        Path log = dir.resolve("haproxy.log");
        Process process;
        try {
            Files.writeString(config, config(port, backendPorts), StandardCharsets.UTF_8);
            process = new ProcessBuilder(binary.toString(), "-db", "-f", config.toString())
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + binary, e);
        }
        synchronized (LIVE) {
            LIVE.add(process);
        }
        HaproxyBalancer balancer = new HaproxyBalancer(dir, log, process, port);
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                balancer.stop();
                String output = read(log);
                if (output.contains("cannot bind") || output.contains("Address already in use")) {
                    return null;
                }
                throw new IllegalStateException("haproxy exited with code " + process.exitValue()
                        + " before it was ready. Its log:\n" + output);
            }
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return balancer;
            } catch (IOException notYet) {
                sleep(50);
            }
        }
        balancer.stop();
        throw new IllegalStateException("haproxy not accepting connections on port " + port + " after "
                + READY_TIMEOUT + ". Its log:\n" + read(log));
    }

    /** The config: the same shape as {@code scripts/lib-cluster.sh}'s (which explains each part). */
    static String config(int port, List<Integer> backendPorts) {
        StringBuilder config = new StringBuilder("""
                global
                    log stdout format raw local0 info
                    maxconn 4096

                defaults
                    mode http
                    log global
                    option httplog
                    option dontlognull
                    # a server picked per request, also within one kept-alive client connection: no stickiness
                    # (no cookie, no stick-table, no option prefer-last-server); node connections pooled per node
                    # and shared between requests (http-reuse never with prefer-last-server would pin them)
                    option http-keep-alive
                    http-reuse safe
                    # bodies streamed, not collected first
                    no option http-buffer-request
                    timeout connect 5s
                    timeout client 10m
                    timeout server 10m
                    timeout http-request 30s
                    timeout http-keep-alive 60s
                    timeout queue 30s
                    retries 2
                    option redispatch

                frontend berth
                    bind 127.0.0.1:%d
                    default_backend nodes

                backend nodes
                    balance roundrobin
                    option httpchk
                    http-check send meth GET uri /healthz
                    http-check expect status 200
                    default-server check inter 2s fall 2 rise 2
                """.formatted(port));
        for (int i = 0; i < backendPorts.size(); i++) {
            config.append("    server node").append(i + 1).append(" 127.0.0.1:").append(backendPorts.get(i)).append('\n');
        }
        return config.toString();
    }

    public int port() {
        return port;
    }

    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** HAProxy's output so far: one line per request, {@code CLIENT:PORT [TIME] berth nodes/nodeI ... "REQUEST"}. */
    public String log() {
        return read(logFile);
    }

    /** Stops HAProxy and deletes its directory. */
    @Override
    public void close() {
        stop();
        RegistryProcess.deleteRecursively(dir);
    }

    private void stop() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        synchronized (LIVE) {
            LIVE.remove(process);
        }
    }

    private static Path binary() {
        String path = System.getenv("PATH");
        List<Path> candidates = new ArrayList<>();
        if (path != null) {
            for (String entry : path.split(java.io.File.pathSeparator)) {
                if (!entry.isEmpty()) {
                    candidates.add(Path.of(entry, "haproxy"));
                }
            }
        }
        candidates.add(Path.of("/usr/sbin/haproxy"));
        return candidates.stream().filter(Files::isExecutable).findFirst().orElse(null);
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for haproxy", e);
        }
    }
}
