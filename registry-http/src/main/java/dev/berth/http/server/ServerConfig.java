package dev.berth.http.server;

import dev.berth.http.memory.MemoryBudget;
import dev.berth.management.PublicAddress;
import dev.berth.storage.BlobBackend;
import dev.berth.storage.FsBlobBackend;
import dev.berth.storage.meta.MetadataLocation;
import dev.berth.storage.s3.S3BlobBackend;
import dev.berth.storage.s3.S3Location;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The server's settings, from command-line options over environment variables over defaults.
 *
 * @param metadata where the metadata lives: the embedded database under {@code dataDir}, or PostgreSQL
 * @param s3 the bucket that holds the blobs, or null to keep them under {@code dataDir}
 * @param uploadExpiry how long an unfinished upload session lives before it is removed
 * @param gcGrace how long a blob stays after its last link went (and how recently linked a blob must be for a
 *                delete to leave it linked, a push in progress); untagged manifests younger than it are kept too
 * @param gcInterval how often a garbage collection runs on the schedule; zero runs none
 * @param gcBusyRate the most blobs a second a collection frees while pushes go on; zero for no limit
 * @param historyRetention how long usage history is kept; zero keeps it forever
 * @param minFreeBytes the free space that uploads leave on the data directory's filesystem
 * @param adminToken the admin token from the environment, or null to keep the stored one (or generate one)
 * @param tlsCert the PEM certificate chain to serve HTTPS with, or null for plain HTTP
 * @param nodeAddress where the other nodes of a cluster reach this one ({@code host:port})
 * @param publicUrl the {@code host[:port]} clients pull from, or null to take it from each request
 * @param tlsKey the PEM (PKCS#8) private key of {@code tlsCert}, or null
 * @param logins the failed-login throttle and the bounds of the slow hash
 * @param uploads the caps on open upload sessions
 * @param connections the read timeouts and connection caps
 * @param memory what the process may use, and its shares (the JVM's limits come from it through {@code bin/berth})
 */
public record ServerConfig(String bind, int port, String nodeAddress, String publicUrl, Path dataDir, MetadataLocation metadata, S3Location s3, Duration uploadExpiry, Duration gcGrace,
                           Duration gcInterval, int gcBusyRate, Duration historyRetention, long minFreeBytes, String adminToken, Path tlsCert, Path tlsKey, LoginLimits logins,
                           UploadLimits uploads, ConnectionLimits connections, MemoryBudget memory) {


    /**
     * The failed-login throttle (see {@code FailedLogins}) and the slow hash's pool (see {@code SlowHashExecutor}).
     */
    public record LoginLimits(int failuresPerAddress, Duration addressWindow, int failuresPerUser, Duration userWindow,
                              int hashThreads, int hashQueue) {
    }

    /**
     * The caps on open upload sessions (see {@code UploadSessionLimits}), how long an upload may write
     * nothing before its quota reservation is given back (see {@code QuotaLedger.releaseIdle}), and the
     * smallest chunk the operator asks clients to send ({@code OCI-Chunk-Min-Length}; 0 for none).
     */
    public record UploadLimits(int sessionsPerUser, int sessionsPerRegistry, Duration idleRelease, long chunkMinLength) {
    }

    /** Thrown for a bad option; its message is meant for the operator. */
    public static final class InvalidConfigException extends RuntimeException {
        InvalidConfigException(String message) {
            super(message);
        }
    }

    /**
     * An option: its flag and the kind of value it takes (null for a switch, which takes none and is set by its
     * presence, or by {@code true} in its environment variable), the environment variable behind it, its default
     * (null for none) and what it means. {@link #OPTIONS} is the one list that parsing and {@link #USAGE} read,
     * and a test holds the README's configuration table to it.
     */
    record Option(String flag, String argument, String env, String fallback, String help) {
        boolean isSwitch() {
            return argument == null;
        }
    }

    static final List<Option> OPTIONS = List.of(
            new Option("--port", "N", "REGISTRY_PORT", "5000", "port to listen on"),
            new Option("--bind", "ADDRESS", "REGISTRY_BIND", "0.0.0.0", "address to bind"),
            new Option("--data-dir", "DIR", "REGISTRY_DATA_DIR", "data", "data directory (blobs, uploads, metadata)"),
            new Option("--memory", "SIZE", "REGISTRY_MEMORY", "256m",
                    "memory the process may use (its resident set): bin/berth starts the JVM with limits from it, "
                            + "and the caches and upload buffers are sized from it; at least 192m"),
            new Option("--node-address", "HOST:PORT", "REGISTRY_NODE_ADDRESS", null,
                    "where the other nodes of a cluster reach this one, to hand it the requests of the uploads it "
                            + "holds; default: this host's name and --port"),
            new Option("--public-url", "HOST[:PORT]", "REGISTRY_PUBLIC_URL", null,
                    "the address clients pull from (registry.example.com or registry.example.com:5000), shown in "
                            + "each registry's url in the management API; default: the Host a client sent when it is "
                            + "a valid host[:port], else --bind (this host's name when it is every address) and --port"),
            new Option("--metadata-url", "URL", "REGISTRY_METADATA_URL", null,
                    "PostgreSQL database for the metadata (jdbc:postgresql://HOST:PORT/DATABASE), shared by the nodes "
                            + "of a cluster; default: the embedded database under the data directory"),
            new Option("--blob-store", "fs|s3", "REGISTRY_BLOB_STORE", "fs",
                    "where blobs are kept: fs (the data directory) or s3 (a bucket of an S3-compatible store, "
                            + "with credentials from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY or the AWS SDK's "
                            + "other sources)"),
            new Option("--s3-endpoint", "URL", "REGISTRY_S3_ENDPOINT", null,
                    "address of the S3-compatible store (http://HOST:PORT); default: AWS S3"),
            new Option("--s3-bucket", "NAME", "REGISTRY_S3_BUCKET", null, "bucket of the blobs, which must exist"),
            new Option("--s3-region", "NAME", "REGISTRY_S3_REGION", S3Location.DEFAULT_REGION, "region of the bucket"),
            new Option("--s3-path-style", null, "REGISTRY_S3_PATH_STYLE", null,
                    "address the bucket in the path (http://HOST/BUCKET/KEY), as most self-hosted stores need"),
            new Option("--s3-redirect", null, "REGISTRY_S3_REDIRECT", null,
                    "answer blob downloads with a 307 to a presigned URL of the object (valid 20 minutes), which "
                            + "clients fetch from the store themselves"),
            new Option("--upload-expiry", "DUR", "REGISTRY_UPLOAD_EXPIRY", "24h",
                    "lifetime of unfinished uploads; durations are ISO-8601 or like 24h, 90m, 30s, 500ms"),
            new Option("--gc-grace", "DUR", "REGISTRY_GC_GRACE", "1h",
                    "a blob stays this long after its last link went, and blobs linked more recently stay linked "
                            + "when a delete leaves them unreferenced (pushes in progress); 0s for none"),
            new Option("--gc-interval", "DUR", "REGISTRY_GC_INTERVAL", "24h",
                    "how often garbage collection runs (once across nodes sharing a store); 0 for never"),
            new Option("--gc-busy-rate", "N", "REGISTRY_GC_BUSY_RATE", "2500",
                    "blobs a second a collection frees at most while pushes go on, removing files on two threads "
                            + "(at full speed on four when nothing is written); 0 for no limit"),
            new Option("--history-retention", "DUR", "REGISTRY_HISTORY_RETENTION", "90d",
                    "usage history older than this is pruned; 0 keeps it forever (pull counters are never pruned)"),
            new Option("--min-free-space", "SIZE", "REGISTRY_MIN_FREE_SPACE", "256m",
                    "free space uploads leave on the data directory's filesystem, refused with 507 below it; "
                            + "bytes or 512k, 256m, 2g"),
            new Option("--tls-cert", "FILE", "REGISTRY_TLS_CERT", null, "PEM certificate chain: serve HTTPS"),
            new Option("--tls-key", "FILE", "REGISTRY_TLS_KEY", null, "PEM (PKCS#8) private key of that certificate"),
            new Option("--header-timeout", "DUR", "REGISTRY_HEADER_TIMEOUT", "30s",
                    "a request head must arrive in full within this, from the connection's opening or the next "
                            + "request's first byte"),
            new Option("--idle-timeout", "DUR", "REGISTRY_IDLE_TIMEOUT", "60s",
                    "a kept-alive connection silent this long between requests is closed"),
            new Option("--body-timeout", "DUR", "REGISTRY_BODY_TIMEOUT", "60s",
                    "a request body silent this long while it is being read is cut off"),
            new Option("--max-connections", "N", "REGISTRY_MAX_CONNECTIONS", "4096",
                    "open connections at once; more are answered 503 and closed (keep it below ulimit -n)"),
            new Option("--max-connections-per-address", "N", "REGISTRY_MAX_CONNECTIONS_PER_ADDRESS", "256",
                    "open connections at once from one client address"),
            new Option("--auth-failures-per-address", "N", "REGISTRY_AUTH_FAILURES_PER_ADDRESS", "10",
                    "failed logins a client address may make per window before it is answered 429"),
            new Option("--auth-failure-window", "DUR", "REGISTRY_AUTH_FAILURE_WINDOW", "60s", "that window"),
            new Option("--auth-failures-per-user", "N", "REGISTRY_AUTH_FAILURES_PER_USER", "20",
                    "failed logins per user name and window, counted against clients that failed themselves"),
            new Option("--auth-user-failure-window", "DUR", "REGISTRY_AUTH_USER_FAILURE_WINDOW", "10s", "that window"),
            new Option("--auth-hash-threads", "N", "REGISTRY_AUTH_HASH_THREADS", "1", "admin token checks hashed at once"),
            new Option("--auth-hash-queue", "N", "REGISTRY_AUTH_HASH_QUEUE", "4",
                    "checks that may wait for them; more are answered 429"),
            new Option("--upload-sessions-per-user", "N", "REGISTRY_UPLOAD_SESSIONS_PER_USER", "100",
                    "open upload sessions one user may have"),
            new Option("--upload-sessions-per-registry", "N", "REGISTRY_UPLOAD_SESSIONS_PER_REGISTRY", "500",
                    "open upload sessions one tenant registry may have"),
            new Option("--upload-idle-release", "DUR", "REGISTRY_UPLOAD_IDLE_RELEASE", "15m",
                    "an upload that writes nothing for this long gives back its quota reservation; it stays valid"),
            new Option("--chunk-min-length", "SIZE", "REGISTRY_CHUNK_MIN_LENGTH", "0",
                    "the smallest chunk clients are asked to send in a chunked upload, but the last, as "
                            + "OCI-Chunk-Min-Length on the upload's POST (fewer, larger requests from the clients "
                            + "that honour it; smaller chunks are still taken); 0 for no minimum, the header unsent"));

    /** What {@code --help} prints: made from {@link #OPTIONS}, the one list of the options. */
    public static final String USAGE = usage();

    private static String usage() {
        StringBuilder usage = new StringBuilder("usage: bin/berth [options]   (the JVM sized by --memory; or java -jar registry.jar [options])\n");
        for (Option option : OPTIONS) {
            usage.append("  ").append(option.flag()).append(option.isSwitch() ? "" : " " + option.argument()).append('\n')
                    .append("      ").append(option.help()).append(" (env ").append(option.env())
                    .append(option.fallback() == null ? "" : ", default " + option.fallback()).append(")\n");
        }
        return usage.append("""
                  --help
                      print this help
                environment only:
                  REGISTRY_ADMIN_TOKEN
                      the admin token (user 'admin' on /v2, Bearer token on /api/v1); when unset on first start
                      one is generated and printed once
                  REGISTRY_METADATA_USER, REGISTRY_METADATA_PASSWORD
                      the PostgreSQL user and password of --metadata-url (or give them in the URL)
                other commands:
                  java -jar registry.jar check --data-dir DIR [--repair]
                      check a stopped server's data directory (check --help says more)
                """).toString();
    }

    /** Returns null when {@code --help} was asked for. */
    public static ServerConfig parse(String[] args, Map<String, String> env) {
        Map<String, String> values = new HashMap<>();
        for (Option option : OPTIONS) {
            String value = env.getOrDefault(option.env(), option.fallback());
            if (value != null) {
                values.put(option.flag(), value);
            }
        }
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                return null;
            }
            int eq = arg.indexOf('=');
            String name = arg.startsWith("--") && eq > 0 ? arg.substring(0, eq) : arg;
            Option option = OPTIONS.stream().filter(o -> o.flag().equals(name)).findFirst()
                    .orElseThrow(() -> new InvalidConfigException("unknown option " + arg));
            String value;
            if (name.length() < arg.length()) {
                value = arg.substring(eq + 1);
            } else if (option.isSwitch()) {
                value = "true";
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new InvalidConfigException("option " + arg + " needs a value");
            }
            values.put(name, value);
        }
        String tlsCert = values.get("--tls-cert");
        String tlsKey = values.get("--tls-key");
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new InvalidConfigException("--tls-cert and --tls-key go together");
        }
        LoginLimits logins = new LoginLimits(
                count(values, "--auth-failures-per-address", 1),
                duration(values, "--auth-failure-window"),
                count(values, "--auth-failures-per-user", 1),
                duration(values, "--auth-user-failure-window"),
                count(values, "--auth-hash-threads", 1),
                count(values, "--auth-hash-queue", 0));
        UploadLimits uploads = new UploadLimits(count(values, "--upload-sessions-per-user", 1),
                count(values, "--upload-sessions-per-registry", 1), duration(values, "--upload-idle-release"),
                size(values, "--chunk-min-length"));
        ConnectionLimits connections = new ConnectionLimits(duration(values, "--header-timeout"),
                duration(values, "--idle-timeout"), duration(values, "--body-timeout"),
                count(values, "--max-connections", 1), count(values, "--max-connections-per-address", 1));
        int port = parsePort(values.get("--port"));
        return new ServerConfig(values.get("--bind"), port, nodeAddress(values.get("--node-address"), port),
                publicUrl(values.get("--public-url")),
                Path.of(values.get("--data-dir")).toAbsolutePath().normalize(), metadata(values.get("--metadata-url"), env),
                s3(values),
                duration(values, "--upload-expiry"),
                durationOrZero(values, "--gc-grace"), durationOrZero(values, "--gc-interval"),
                count(values, "--gc-busy-rate", 0),
                durationOrZero(values, "--history-retention"),
                size(values, "--min-free-space"), env.get("REGISTRY_ADMIN_TOKEN"),
                tlsCert == null ? null : Path.of(tlsCert), tlsKey == null ? null : Path.of(tlsKey), logins, uploads, connections,
                memory(values));
    }

    public boolean tls() {
        return tlsCert != null;
    }

    /** Where the blobs are kept: {@link #s3} when set, else the data directory. */
    public BlobBackend blobBackend() {
        return s3 == null ? FsBlobBackend.INSTANCE : new S3BlobBackend(s3);
    }

    /** The bucket of {@code --blob-store s3}, or null for {@code fs}. */
    private static S3Location s3(Map<String, String> values) {
        String store = values.get("--blob-store");
        boolean s3Options = values.containsKey("--s3-endpoint") || values.containsKey("--s3-bucket");
        if (store.equals("fs")) {
            if (s3Options) {
                throw new InvalidConfigException("--s3-endpoint and --s3-bucket need --blob-store s3");
            }
            return null;
        }
        if (!store.equals("s3")) {
            throw new InvalidConfigException("--blob-store is fs or s3: " + store);
        }
        String bucket = values.get("--s3-bucket");
        if (bucket == null || bucket.isBlank()) {
            throw new InvalidConfigException("--blob-store s3 needs --s3-bucket");
        }
        String endpoint = values.get("--s3-endpoint");
        URI uri = null;
        if (endpoint != null) {
            try {
                uri = URI.create(endpoint);
            } catch (IllegalArgumentException e) {
                uri = null;
            }
            if (uri == null || uri.getHost() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
                throw new InvalidConfigException("--s3-endpoint is not an http(s) URL: " + endpoint);
            }
        }
        return new S3Location(uri, bucket, values.get("--s3-region"), toggle(values, "--s3-path-style"),
                toggle(values, "--s3-redirect"));
    }

    /**
     * The metadata at {@code url} ({@code --metadata-url}), with the user and password of the environment; the
     * embedded database when {@code url} is null. What the server and {@code check} both read.
     *
     * @throws InvalidConfigException when the URL is not a PostgreSQL one
     */
    public static MetadataLocation metadata(String url, Map<String, String> env) {
        if (url == null) {
            return MetadataLocation.embedded();
        }
        try {
            return MetadataLocation.postgresql(url, env.get("REGISTRY_METADATA_USER"), env.get("REGISTRY_METADATA_PASSWORD"));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException("--metadata-url: " + e.getMessage());
        }
    }

    /** A switch: set by its flag alone, or by {@code true} or {@code false}. */
    private static boolean toggle(Map<String, String> values, String flag) {
        String value = values.getOrDefault(flag, "false");
        if (!value.equals("true") && !value.equals("false")) {
            throw new InvalidConfigException(flag + " is true or false: " + value);
        }
        return Boolean.parseBoolean(value);
    }

    /** The public address as {@code host[:port]}, or null when none is configured. */
    private static String publicUrl(String value) {
        try {
            return value == null ? null : PublicAddress.parse(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException("--public-url: " + e.getMessage());
        }
    }

    /**
     * Where the server listens, as a client would write it: the bind address and port, or this host's name
     * when it binds every address.
     */
    public String listeningAddress() {
        if (bind.equals("0.0.0.0") || bind.equals("::") || bind.equals("[::]")) {
            return localHostName() + ":" + port;
        }
        return (bind.contains(":") && !bind.startsWith("[") ? "[" + bind + "]" : bind) + ":" + port;
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /** The {@code host:port} the other nodes reach this one at: as given, or this host's name and port. */
    private static String nodeAddress(String value, int port) {
        if (value == null) {
            return localHostName() + ":" + port;
        }
        int colon = value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            throw new InvalidConfigException("--node-address is HOST:PORT: " + value);
        }
        parsePort(value.substring(colon + 1));
        return value;
    }

    private static int parsePort(String value) {
        try {
            int port = Integer.parseInt(value);
            if (port < 0 || port > 65535) {
                throw new InvalidConfigException("port out of range: " + value);
            }
            return port;
        } catch (NumberFormatException e) {
            throw new InvalidConfigException("port is not a number: " + value);
        }
    }

    private static int count(Map<String, String> values, String flag, int min) {
        String value = values.get(flag);
        try {
            int count = Integer.parseInt(value);
            if (count < min) {
                throw new InvalidConfigException(flag + " must be at least " + min + ": " + value);
            }
            return count;
        } catch (NumberFormatException e) {
            throw new InvalidConfigException(flag + " is not a number: " + value);
        }
    }

    /** A positive duration: {@link #durationOrZero} that is not zero. */
    private static Duration duration(Map<String, String> values, String flag) {
        Duration duration = durationOrZero(values, flag);
        if (duration.isZero()) {
            throw new InvalidConfigException(flag + " must be positive: " + values.get(flag));
        }
        return duration;
    }

    /**
     * A duration that is not negative: milliseconds, seconds, minutes, hours or days like {@code 500ms},
     * {@code 90s}, {@code 30m}, {@code 24h}, {@code 90d}, or ISO-8601; {@code 0} is zero.
     */
    private static Duration durationOrZero(Map<String, String> values, String flag) {
        String value = values.get(flag);
        Duration duration;
        try {
            String amount = value.substring(0, Math.max(0, value.length() - 1));
            if (value.equals("0")) {
                duration = Duration.ZERO;
            } else if (value.endsWith("d") && !value.startsWith("P")) {
                duration = Duration.ofDays(Long.parseLong(amount));
            } else if (value.endsWith("h")) {
                duration = Duration.ofHours(Long.parseLong(amount));
            } else if (value.endsWith("ms")) {
                duration = Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
            } else if (value.endsWith("m")) {
                duration = Duration.ofMinutes(Long.parseLong(amount));
            } else if (value.endsWith("s") && !value.startsWith("P")) {
                duration = Duration.ofSeconds(Long.parseLong(amount));
            } else {
                duration = Duration.parse(value);
            }
        } catch (RuntimeException e) {
            throw new InvalidConfigException(flag + " is not a duration: " + value);
        }
        if (duration.isNegative()) {
            throw new InvalidConfigException(flag + " must not be negative: " + value);
        }
        return duration;
    }

    /** The {@code --memory} budget of these values (the defaults' when none was given), for the launcher too. */
    public static MemoryBudget memory(String[] args, Map<String, String> env) {
        ServerConfig config = parse(args, env);
        return config == null ? new MemoryBudget(size(Map.of("--memory", fallback("--memory")), "--memory")) : config.memory();
    }

    private static MemoryBudget memory(Map<String, String> values) {
        try {
            return new MemoryBudget(size(values, "--memory"));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException(e.getMessage());
        }
    }

    private static String fallback(String flag) {
        return OPTIONS.stream().filter(o -> o.flag().equals(flag)).findFirst().orElseThrow().fallback();
    }

    /** A size in bytes, or in binary units with a suffix: {@code 512k}, {@code 256m}, {@code 2g}, {@code 1t}. */
    private static long size(Map<String, String> values, String flag) {
        String value = values.get(flag);
        String digits = value.toLowerCase(java.util.Locale.ROOT);
        int shift = switch (digits.isEmpty() ? ' ' : digits.charAt(digits.length() - 1)) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            case 't' -> 40;
            default -> 0;
        };
        if (shift > 0) {
            digits = digits.substring(0, digits.length() - 1);
        }
        try {
            long amount = Long.parseLong(digits);
            if (amount < 0 || amount > Long.MAX_VALUE >> shift) {
                throw new InvalidConfigException(flag + " is out of range: " + value);
            }
            return amount << shift;
        } catch (NumberFormatException e) {
            throw new InvalidConfigException(flag + " is not a size: " + value);
        }
    }
}
