package dev.berth.storage.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for the tests: a throw-away cluster in a temporary directory, started once per test JVM
 * from the Debian package's binaries ({@code /usr/lib/postgresql/<version>/bin}) and stopped when the JVM exits.
 * As root (CI), the cluster runs as the package's unprivileged {@code postgres} user: PostgreSQL refuses to run
 * as root. Each caller gets a database of its own ({@link #newDatabaseUrl}), sorting text by code point as Berth
 * requires. Empty when PostgreSQL is not installed: the caller skips (CI installs it, so there it always runs).
 * The store tests of this module use it, and the black-box tests of {@code conformance-tests} start servers on it.
 */
public final class PostgresServer {
    /** The cluster's superuser, trusted from loopback without a password. */
    public static final String USER = "berth";
    private static volatile Optional<PostgresServer> shared;

    private final Path bin;
    private final Path dataDir;
    private final int port;
    private final AtomicInteger databases = new AtomicInteger();

    private PostgresServer(Path bin, Path dataDir, int port) {
        this.bin = bin;
        this.dataDir = dataDir;
        this.port = port;
    }

    /** The server of this JVM, started on first use; empty when PostgreSQL is not installed. */
    public static synchronized Optional<PostgresServer> shared() throws IOException, InterruptedException {
        if (shared == null) {
            Optional<Path> bin = installedBin();
            shared = bin.isEmpty() ? Optional.empty() : Optional.of(start(bin.get()));
        }
        return shared;
    }

    /** The JDBC URL of a new, empty database (for {@link #USER}, no password), which Berth migrates when it connects. */
    public String newDatabaseUrl() throws SQLException {
        String name = "berth_test_" + databases.incrementAndGet();
        try (Connection admin = DriverManager.getConnection(url("postgres"), USER, "");
             Statement s = admin.createStatement()) {
            s.execute("CREATE DATABASE " + name + " TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'");
        }
        return url(name);
    }

    /** True while some transaction of the cluster waits for a lock that another holds. */
    public boolean someoneWaitsForALock() throws SQLException {
        try (Connection admin = DriverManager.getConnection(url("postgres"), USER, "");
             Statement s = admin.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM pg_locks WHERE NOT granted")) {
            return rs.next() && rs.getLong(1) > 0;
        }
    }

    private String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    private static Optional<Path> installedBin() throws IOException {
        Path versions = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(versions)) {
            return Optional.empty();
        }
        try (Stream<Path> found = Files.list(versions)) {
            return found.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("pg_ctl")))
                    .max(Comparator.naturalOrder());
        }
    }

    private static PostgresServer start(Path bin) throws IOException, InterruptedException {
        Path dataDir = Files.createTempDirectory("berth-pg");
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            run(List.of("chown", "postgres:postgres", dataDir.toString()), false);
        }
        run(List.of(bin.resolve("initdb").toString(), "-D", dataDir.resolve("cluster").toString(), "-U", USER,
                "--auth=trust", "--locale=C", "-E", "UTF8", "--no-sync"), root);
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", dataDir.resolve("cluster").toString(), "-w", "-l",
                dataDir.resolve("server.log").toString(), "-o",
                "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off "
                        + "-c max_connections=200", "start"), root);
        PostgresServer server = new PostgresServer(bin, dataDir, port);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(root), "berth-test-postgres-stop"));
        return server;
    }

    private void stop(boolean root) {
        try {
            run(List.of(bin.resolve("pg_ctl").toString(), "-D", dataDir.resolve("cluster").toString(), "-m",
                    "immediate", "-w", "stop"), root);
        } catch (IOException | InterruptedException e) {
            System.err.println("could not stop the test PostgreSQL in " + dataDir + ": " + e.getMessage());
        }
        try (Stream<Path> all = Files.walk(dataDir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not remove " + dataDir + ": " + e.getMessage());
        }
    }

    /** Runs a command to its end (as {@code postgres} when {@code asPostgres}); fails with its output otherwise. */
    private static void run(List<String> command, boolean asPostgres) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if (asPostgres) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        Process process = new ProcessBuilder(full).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(String.join(" ", full) + " failed:\n" + output);
        }
    }
}
