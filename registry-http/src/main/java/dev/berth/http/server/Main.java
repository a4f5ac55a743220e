package dev.berth.http.server;

import dev.berth.http.cli.CheckCommand;
import dev.berth.storage.layout.DataDirectoryInUseException;
import dev.berth.storage.meta.MetadataMismatchException;

import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Starts Berth from the command line: parses the options, serves, and stops cleanly on SIGTERM. A first
 * argument {@code check} runs the integrity check of a data directory instead ({@link CheckCommand}).
 */
public final class Main {
    /** Held so that the level set on it is not lost when the logger is garbage collected. */
    private static final Logger FLYWAY_LOG = Logger.getLogger("org.flywaydb");

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        configureLogging();
        if (args.length > 0 && args[0].equals(CheckCommand.NAME)) {
            System.exit(CheckCommand.run(Arrays.copyOfRange(args, 1, args.length), System.getenv(), System.out,
                    System.err));
            return;
        }
        ServerConfig config;
        try {
            config = ServerConfig.parse(args, System.getenv());
        } catch (ServerConfig.InvalidConfigException e) {
            System.err.println("berth: " + e.getMessage());
            System.err.print(ServerConfig.USAGE);
            System.exit(2);
            return;
        }
        if (config == null) {
            System.out.print(ServerConfig.USAGE);
            return;
        }
        RegistryServer server;
        try {
            server = RegistryServer.start(config);
        } catch (DataDirectoryInUseException | MetadataMismatchException e) {
            // Said to the operator in a line: another process on the directory, or metadata not its own.
            System.err.println("berth: cannot start: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "berth-shutdown"));
        System.out.println("Berth " + version() + " listening on " + config.bind() + ":" + server.address().getPort()
                + (config.tls() ? " (TLS)" : "") + ", data directory " + config.dataDir());
        System.out.println("Berth " + config.memory().describe());
        config.memory().unlike(Runtime.getRuntime().maxMemory()).ifPresent(warning -> System.err.println("berth: " + warning));
        System.out.flush();
        server.awaitClose();
        stopped.await();
    }

    /** One line per record; the schema migrator's progress only when something is wrong. */
    private static void configureLogging() {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$s %3$s: %5$s%6$s%n");
        }
        FLYWAY_LOG.setLevel(Level.WARNING);
    }

    private static String version() {
        String version = Main.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }
}
