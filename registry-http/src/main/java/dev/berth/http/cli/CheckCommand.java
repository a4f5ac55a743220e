package dev.berth.http.cli;

import dev.berth.http.server.ServerConfig;
import dev.berth.storage.check.CheckReport;
import dev.berth.storage.check.IntegrityCheck;
import dev.berth.storage.layout.DataDirectoryInUseException;
import dev.berth.storage.meta.MetadataLocation;
import dev.berth.storage.meta.MetadataMismatchException;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * {@code java -jar registry.jar check --data-dir DIR [--repair]}: the integrity check of a data directory no
 * server is using, from the command line. {@link IntegrityCheck} does the checking; this reads the options,
 * prints each finding and a summary, and turns the outcome into the exit status ({@link #USAGE} lists them).
 */
public final class CheckCommand {
    /** The first argument that selects this command instead of starting a server. */
    public static final String NAME = "check";

    static final int NO_PROBLEMS = 0;
    static final int PROBLEMS = 1;
    static final int BAD_USAGE = 2;
    static final int IN_USE = 3;
    static final int FAILED = 4;

    static final String USAGE = """
            usage: java -jar registry.jar check --data-dir DIR [--metadata-url URL] [--repair]
            Checks a data directory while no server uses it: re-hashes every blob file against its name, and
            finds links and manifests whose blob is missing, blob files nothing records, and usage counters
            that disagree with the links. Pending schema migrations are applied, as at a server start.
              --data-dir DIR
                  the data directory to check (required)
              --metadata-url URL
                  its servers' PostgreSQL database (jdbc:postgresql://...), with REGISTRY_METADATA_USER and
                  REGISTRY_METADATA_PASSWORD from the environment; default: the embedded database of DIR
              --repair
                  also fix what can be fixed without losing data: move corrupt files to DIR/quarantine/,
                  drop the links and manifests of corrupt or missing blobs, recount the usage counters;
                  unrecorded blobs stay, for garbage collection
              --help
                  print this help
            exit status: 0 no problems (or all repaired), 1 problems remain, 2 bad options or not a data
            directory, 3 the data directory is in use (stop the server first), 4 the check could not finish
            """;

    /** What the command line asked for; {@code metadataUrl} is null for the embedded database. */
    record Options(Path dataDir, String metadataUrl, boolean repair) {
    }

    private CheckCommand() {
    }

    /**
     * Runs the command with {@code args} (after {@link #NAME}) and the process's {@code env}; returns the exit
     * status.
     */
    public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            err.println("berth check: " + e.getMessage());
            err.print(USAGE);
            return BAD_USAGE;
        }
        if (options == null) {
            out.print(USAGE);
            return NO_PROBLEMS;
        }
        MetadataLocation metadata;
        try {
            metadata = ServerConfig.metadata(options.metadataUrl(), env);
        } catch (ServerConfig.InvalidConfigException e) {
            err.println("berth check: " + e.getMessage());
            return BAD_USAGE;
        }
        return check(options, metadata, out, err);
    }

    /** Null when {@code --help} was asked for; {@link IllegalArgumentException} for a bad option. */
    static Options parse(String[] args) {
        Path dataDir = null;
        String metadataUrl = null;
        boolean repair = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                return null;
            } else if (arg.equals("--repair")) {
                repair = true;
            } else if (arg.startsWith("--data-dir=")) {
                dataDir = Path.of(arg.substring("--data-dir=".length()));
            } else if (arg.equals("--data-dir") && i + 1 < args.length) {
                dataDir = Path.of(args[++i]);
            } else if (arg.equals("--data-dir")) {
                throw new IllegalArgumentException("option --data-dir needs a value");
            } else if (arg.startsWith("--metadata-url=")) {
                metadataUrl = arg.substring("--metadata-url=".length());
            } else if (arg.equals("--metadata-url") && i + 1 < args.length) {
                metadataUrl = args[++i];
            } else if (arg.equals("--metadata-url")) {
                throw new IllegalArgumentException("option --metadata-url needs a value");
            } else {
                throw new IllegalArgumentException("unknown option " + arg);
            }
        }
        if (dataDir == null) {
            // No default, unlike the server's: a repair should touch only a directory that was named.
            throw new IllegalArgumentException("--data-dir is required");
        }
        return new Options(dataDir.toAbsolutePath().normalize(), metadataUrl, repair);
    }

    private static int check(Options options, MetadataLocation metadata, PrintStream out, PrintStream err) {
        IntegrityCheck.Mode mode = options.repair() ? IntegrityCheck.Mode.REPAIR : IntegrityCheck.Mode.REPORT;
        IntegrityCheck check;
        try {
            check = IntegrityCheck.open(options.dataDir(), metadata, Clock.systemUTC());
        } catch (IllegalArgumentException | MetadataMismatchException e) {
            err.println("berth check: " + e.getMessage());
            return BAD_USAGE;
        } catch (DataDirectoryInUseException e) {
            err.println("berth check: " + e.getMessage() + "; stop the server that uses " + options.dataDir()
                    + " and run the check again");
            return IN_USE;
        } catch (IOException | RuntimeException e) {
            err.println("berth check: cannot open " + options.dataDir() + ": " + e);
            return FAILED;
        }
        try (check) {
            CheckReport report = check.run(mode, finding -> finding.lines().forEach(out::println));
            out.println(report.summary());
            if (report.unrepaired() > 0 && !options.repair()) {
                out.println("to repair: java -jar registry.jar check --data-dir " + options.dataDir()
                        + (options.metadataUrl() == null ? "" : " --metadata-url " + options.metadataUrl()) + " --repair");
            }
            return report.unrepaired() == 0 ? NO_PROBLEMS : PROBLEMS;
        } catch (IOException | RuntimeException e) {
            err.println("berth check: the check could not finish: " + e
                    + (options.repair() ? " (what it repaired before stays repaired; run it again)" : ""));
            return FAILED;
        }
    }
}
