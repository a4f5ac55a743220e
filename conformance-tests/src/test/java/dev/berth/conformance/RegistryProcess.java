package dev.berth.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One Berth server process, started from {@code registry.jar} (system property {@code berth.jar}) on a free
 * loopback port, with its own temporary data directory.
 *
 * <p>The data directory survives {@link #stop()}, {@link #kill()} and {@link #restart()}; it is deleted by
 * {@link #close()}. The server's stdout and stderr go (appended, across restarts) to a log file beside the data
 * directory; {@link #logTail(int)} returns its end, to be printed when a test fails.
 */
public final class RegistryProcess implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final List<RegistryProcess> LIVE = new ArrayList<>();
    /**
     * What every server gets before a test's own options (which, coming later, win): the tests of other
     * rules make many wrong logins from this one address, more than the failed-login throttle's default
     * allows a minute; {@code FailedLoginThrottleTest} sets that limit again.
     */
    private static final List<String> DEFAULT_OPTIONS = List.of("--auth-failures-per-address", "1000000");

    static {
        // Never leave a server behind if the test JVM goes away abruptly.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            synchronized (LIVE) {
                for (RegistryProcess p : LIVE) {
                    if (p.process != null) {
                        p.process.destroyForcibly();
                    }
                }
            }
        }, "berth-conformance-reaper"));
    }

    private final Path root;
    private final Path dataDir;
    private final Path logFile;
    private final Path jar;
    /** bin/berth: servers start as the README starts them, within the default --memory. */
    private final Path launcher;
    private final String adminToken;
    private final boolean passAdminToken;
    private final ServerTls tls;
    private final String bindAddress;
    private final List<String> options;
    private final Map<String, String> environment;
    private Process process;
    private int port;
    private int starts;

    private RegistryProcess(boolean passAdminToken, ServerTls tls, String bindAddress, List<String> options,
                            Map<String, String> environment) throws IOException {
        this.environment = Map.copyOf(environment);
        this.passAdminToken = passAdminToken;
        this.tls = tls;
        this.bindAddress = bindAddress;
        List<String> all = new ArrayList<>(DEFAULT_OPTIONS);
        all.addAll(options);
        this.options = List.copyOf(all);
        String jarProp = System.getProperty("berth.jar");
        if (jarProp == null || jarProp.isBlank()) {
            throw new IllegalStateException("system property berth.jar is not set (surefire sets it to "
                    + "registry-http/target/registry.jar)");
        }
        this.jar = Path.of(jarProp).toAbsolutePath().normalize();
        this.launcher = Path.of(System.getProperty("berth.launcher", jar.resolve("../../../bin/berth").toString()))
                .toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("registry jar not found at " + jar
                    + " — build it first with `mvn -B -DskipTests package`");
        }
        this.root = Files.createTempDirectory("berth-conformance-");
        this.dataDir = Files.createDirectories(root.resolve("data"));
        this.logFile = root.resolve("server.log");
        byte[] tokenBytes = new byte[16];
        new SecureRandom().nextBytes(tokenBytes);
        // The nodes of a cluster share one token: given in the environment, it is the one the clients carry.
        this.adminToken = environment.getOrDefault("REGISTRY_ADMIN_TOKEN", HexFormat.of().formatHex(tokenBytes));
    }

    /** Creates a server with a fresh data directory and starts it; waits until {@code GET /v2/} answers. */
    public static RegistryProcess start() {
        return start(true);
    }

    /**
     * Like {@link #start()}, but with {@code REGISTRY_ADMIN_TOKEN} unset in the server's environment, so that the
     * server generates its own admin token; {@link #adminToken()} and the clients made by this object then carry a
     * token the server does not know.
     */
    public static RegistryProcess startWithoutAdminToken() {
        return start(false);
    }

    /** Like {@link #start()}, serving HTTPS with the given certificate and key ({@code --tls-cert}, {@code --tls-key}). */
    public static RegistryProcess startWithTls(ServerTls tls) {
        return start(true, tls);
    }

    /** Like {@link #startWithTls(ServerTls)}, with more command-line options and variables (the nodes of a cluster). */
    public static RegistryProcess startWithTls(ServerTls tls, List<String> options, Map<String, String> environment) {
        return start(true, tls, "127.0.0.1", options, environment);
    }

    /** Like {@link #start()}, listening on the given local address instead of loopback ({@code --bind}). */
    public static RegistryProcess startBoundTo(String address) {
        return start(true, null, address);
    }

    /** Like {@link #start()}, with more command-line options (limits, timeouts) after the usual ones. */
    public static RegistryProcess startWithOptions(List<String> options) {
        return startWithOptions(options, Map.of());
    }

    /** Like {@link #startWithOptions(List)}, with more variables in the server's environment (credentials). */
    public static RegistryProcess startWithOptions(List<String> options, Map<String, String> environment) {
        return start(true, null, "127.0.0.1", options, environment);
    }

    private static RegistryProcess start(boolean passAdminToken) {
        return start(passAdminToken, null);
    }

    private static RegistryProcess start(boolean passAdminToken, ServerTls tls) {
        return start(passAdminToken, tls, "127.0.0.1");
    }

    private static RegistryProcess start(boolean passAdminToken, ServerTls tls, String bindAddress) {
        return start(passAdminToken, tls, bindAddress, List.of(), Map.of());
    }

    private static RegistryProcess start(boolean passAdminToken, ServerTls tls, String bindAddress, List<String> options,
                                         Map<String, String> environment) {
        RegistryProcess p;
        try {
            p = new RegistryProcess(passAdminToken, tls, bindAddress, options, environment);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        synchronized (LIVE) {
            LIVE.add(p);
        }
        try {
            p.launch();
        } catch (RuntimeException | Error e) {
            p.close();
            throw e;
        }
        return p;
    }

    /** (Re)starts the server on the same data directory, on a new free port. */
    public synchronized void launch() {
        // A new port each time: the old one may still have connections in TIME_WAIT after a kill.
        launchOn(freePort());
    }

    /**
     * (Re)starts the server on the same data directory, on the given port: {@code launchOn(port())} after a stop or
     * a kill brings back the same node, which the garbage collector's lease names by host and port.
     */
    public synchronized void launchOn(int port) {
        if (isAlive()) {
            throw new IllegalStateException("server already running on port " + this.port);
        }
        this.port = port;
        this.starts++;
        List<String> cmd = new ArrayList<>(List.of(
                launcher.toString(),
                "--port", Integer.toString(port),
                "--bind", bindAddress,
                "--data-dir", dataDir.toString(),
                "--node-address", "127.0.0.1:" + port));
        if (tls != null) {
            cmd.addAll(List.of("--tls-cert", tls.certificate().toString(), "--tls-key", tls.privateKey().toString()));
        }
        cmd.addAll(options);
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        launchedByScript(pb.environment());
        pb.environment().putAll(environment);
        if (passAdminToken) {
            pb.environment().put("REGISTRY_ADMIN_TOKEN", adminToken);
        } else {
            pb.environment().remove("REGISTRY_ADMIN_TOKEN");
        }
        try {
            Files.writeString(logFile, "\n===== start #" + starts + " on port " + port + ": " + String.join(" ", cmd)
                    + "\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            this.process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + cmd, e);
        }
        awaitReady();
    }

    private void awaitReady() {
        HttpClient.Builder builder = HttpClient.newBuilder();
        if (tls != null) {
            builder.sslContext(tls.clientContext());
        }
        HttpClient http = builder
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .build();
        HttpRequest ping = HttpRequest.newBuilder(baseUri().resolve("/v2/"))
                .timeout(Duration.ofSeconds(2))
                .header("Authorization", authorizationHeader())
                .GET()
                .build();
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        String lastProblem = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("registry exited with code " + process.exitValue()
                        + " before it was ready. Server log:\n" + logTail(200));
            }
            try {
                HttpResponse<Void> r = http.send(ping, HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200 || r.statusCode() == 401) {
                    return;
                }
                lastProblem = "GET /v2/ answered " + r.statusCode();
            } catch (IOException e) {
                lastProblem = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the registry", e);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the registry", e);
            }
        }
        process.destroyForcibly();
        throw new IllegalStateException("registry not ready on port " + port + " after " + READY_TIMEOUT
                + " (" + lastProblem + "). Server log:\n" + logTail(200));
    }

    /** SIGTERM, then waits for the process to end (kill -9 after 15 s). */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** SIGTERM, then true when the process ended by itself within {@code timeout} (else it is killed). */
    public synchronized boolean stopsOnSigterm(Duration timeout) {
        process.destroy();
        try {
            if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        kill();
        return false;
    }

    /** What a run of {@code registry.jar} as a command printed, and its exit status. */
    public record CommandRun(int exitStatus, String stdout, String stderr) {
    }

    /**
     * Runs {@code bin/berth <args>} to its end: a command such as {@code check}, not a server
     * (the data directory is {@link #dataDir()}, for the arguments to name). Fails after two minutes.
     */
    public CommandRun runCommand(String... args) {
        List<String> cmd = new ArrayList<>(List.of(launcher.toString()));
        cmd.addAll(List.of(args));
        Path stdout = root.resolve("command.out");
        Path stderr = root.resolve("command.err");
        try {
            ProcessBuilder builder = new ProcessBuilder(cmd).directory(root.toFile())
                    .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
            launchedByScript(builder.environment());
            builder.environment().putAll(environment);
            Process command = builder.start();
            if (!command.waitFor(2, TimeUnit.MINUTES)) {
                command.destroyForcibly();
                throw new IllegalStateException("still running after two minutes: " + cmd);
            }
            return new CommandRun(command.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
                    Files.readString(stderr, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + cmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + cmd, e);
        }
    }

    /** What bin/berth needs to start this build's jar with the JVM running the tests. */
    private void launchedByScript(Map<String, String> env) {
        env.put("BERTH_JAR", jar.toString());
        env.put("JAVA_HOME", System.getProperty("java.home"));
    }

    /** kill -9, then waits for the process to end. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Clean stop, then start again on the same data directory. */
    public void restart() {
        stop();
        launch();
    }

    /** kill -9, then start again on the same data directory. */
    public void killAndRestart() {
        kill();
        launch();
    }

    /** kill -9, then start again on the same data directory and port: the same node to the collection lease. */
    public synchronized void killAndRestartOnSamePort() {
        kill();
        launchOn(port);
    }

    /** The server's process id, to inspect it from outside (heap, CPU). */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    public int port() {
        return port;
    }

    public URI baseUri() {
        return URI.create((tls == null ? "http" : "https") + "://" + bindAddress + ":" + port);
    }

    public String adminToken() {
        return adminToken;
    }

    public String authorizationHeader() {
        return basicAuthorization("admin", adminToken);
    }

    /** {@code Basic base64(user:secret)}, as {@code docker login} sends it. */
    public static String basicAuthorization(String user, String secret) {
        return "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The server's whole combined stdout/stderr so far (all starts). */
    public String log() {
        try {
            return Files.exists(logFile) ? Files.readString(logFile, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A client bound to the current port (make a new one after a restart). */
    public RegistryClient client() {
        return tls == null ? new RegistryClient(baseUri(), authorizationHeader())
                : new RegistryClient(baseUri(), authorizationHeader(), tls.clientContext());
    }

    /** An OCI client logging in as {@code user} with {@code secret} (Basic), bound to the current port. */
    public RegistryClient client(String user, String secret) {
        return new RegistryClient(baseUri(), basicAuthorization(user, secret));
    }

    /** An OCI client sending no credentials at all, bound to the current port. */
    public RegistryClient anonymousClient() {
        return new RegistryClient(baseUri(), null);
    }

    /** A management ({@code /api/v1}) client with {@code Authorization: Bearer <admin token>}. */
    public ManagementClient management() {
        return new ManagementClient(baseUri(), "Bearer " + adminToken);
    }

    /** A management client sending {@code authorization} as is ({@code null}: no Authorization header). */
    public ManagementClient management(String authorization) {
        return new ManagementClient(baseUri(), authorization);
    }

    /** Prints the end of the server's log, as {@code name}'s, for the failed test {@code test}. */
    void printLogOfFailedTest(String name, String test, int lines) {
        System.err.println("----- " + name + " log for failed test " + test + ", last " + lines + " lines -----");
        System.err.println(logTail(lines));
        System.err.println("----- end of " + name + " log -----");
    }

    /** The last {@code lines} lines of the server's combined stdout/stderr. */
    public String logTail(int lines) {
        try {
            if (!Files.exists(logFile)) {
                return "(no server log)";
            }
            List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(could not read server log " + logFile + ": " + e + ")";
        }
    }

    @Override
    public void close() {
        try {
            stop();
        } finally {
            synchronized (LIVE) {
                LIVE.remove(this);
            }
            deleteRecursively(root);
        }
    }

    /** A free loopback port (for this and the other processes the tests start). */
    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes a temporary directory and what it holds, as far as it can. */
    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
