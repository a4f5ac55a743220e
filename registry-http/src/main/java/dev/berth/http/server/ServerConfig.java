package dev.berth.http.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The server's settings, from command-line options over environment variables over defaults.
 *
 * @param uploadExpiry how long an unfinished upload session lives before it is removed
 * @param deleteGrace how recently linked a blob must be for a delete to leave it linked (a push in progress)
 * @param minFreeBytes the free space that uploads leave on the data directory's filesystem
 * @param adminToken the admin token from the environment, or null to keep the stored one (or generate one)
 * @param tlsCert the PEM certificate chain to serve HTTPS with, or null for plain HTTP
 * @param tlsKey the PEM (PKCS#8) private key of {@code tlsCert}, or null
 * @param connections the read timeouts and connection caps
 */
public record ServerConfig(String bind, int port, Path dataDir, Duration uploadExpiry, Duration deleteGrace,
                           long minFreeBytes, String adminToken, Path tlsCert, Path tlsKey, ConnectionLimits connections) {
    public static final String USAGE = """
            usage: java -jar registry.jar [options]
              --port N             port to listen on (env REGISTRY_PORT, default 5000)
              --bind ADDRESS       address to bind (env REGISTRY_BIND, default 0.0.0.0)
              --data-dir DIR       data directory (env REGISTRY_DATA_DIR, default ./data)
              --upload-expiry DUR  lifetime of unfinished uploads; durations are ISO-8601 or like 24h, 90m,
                                   30s, 500ms
                                   (env REGISTRY_UPLOAD_EXPIRY, default 24h)
              --delete-grace DUR   blobs linked more recently than this stay linked when a delete
                                   leaves them unreferenced, for pushes in progress; 0s for none
                                   (env REGISTRY_DELETE_GRACE, default 1h)
              --min-free-space SIZE  free space uploads leave on the data directory's filesystem,
                                   refused with 507 below it; bytes or 512m, 2g
                                   (env REGISTRY_MIN_FREE_SPACE, default 256m)
              --tls-cert FILE      PEM certificate chain: serve HTTPS (env REGISTRY_TLS_CERT)
              --tls-key FILE       PEM (PKCS#8) private key of that certificate (env REGISTRY_TLS_KEY)
              --header-timeout DUR a request head must arrive in full within this, from the connection's
                                   opening or the next request's first byte (env REGISTRY_HEADER_TIMEOUT, default 30s)
              --idle-timeout DUR   a kept-alive connection silent this long between requests is closed
                                   (env REGISTRY_IDLE_TIMEOUT, default 60s)
              --body-timeout DUR   a request body silent this long while it is being read is cut off
                                   (env REGISTRY_BODY_TIMEOUT, default 60s)
              --max-connections N  open connections at once; more are answered 503 and closed
                                   (env REGISTRY_MAX_CONNECTIONS, default 4096; keep it below ulimit -n)
              --max-connections-per-address N
                                   open connections at once from one client address
                                   (env REGISTRY_MAX_CONNECTIONS_PER_ADDRESS, default 256)
              --help               print this help
            environment only:
              REGISTRY_ADMIN_TOKEN the admin token (user 'admin' on /v2, Bearer token on /api/v1);
                                   when unset on first start one is generated and printed once
            """;

    /** Thrown for a bad option; its message is meant for the operator. */
    public static final class InvalidConfigException extends RuntimeException {
        InvalidConfigException(String message) {
            super(message);
        }
    }

    /** Returns null when {@code --help} was asked for. */
    public static ServerConfig parse(String[] args, Map<String, String> env) {
        String bind = env.getOrDefault("REGISTRY_BIND", "0.0.0.0");
        String port = env.getOrDefault("REGISTRY_PORT", "5000");
        String dataDir = env.getOrDefault("REGISTRY_DATA_DIR", "data");
        String expiry = env.getOrDefault("REGISTRY_UPLOAD_EXPIRY", "24h");
        String deleteGrace = env.getOrDefault("REGISTRY_DELETE_GRACE", "1h");
        String minFreeSpace = env.getOrDefault("REGISTRY_MIN_FREE_SPACE", "256m");
        String tlsCert = env.get("REGISTRY_TLS_CERT");
        String tlsKey = env.get("REGISTRY_TLS_KEY");
        ConnectionLimits defaults = ConnectionLimits.DEFAULTS;
        String headerTimeout = env.getOrDefault("REGISTRY_HEADER_TIMEOUT", defaults.headerTimeout().toString());
        String idleTimeout = env.getOrDefault("REGISTRY_IDLE_TIMEOUT", defaults.idleTimeout().toString());
        String bodyTimeout = env.getOrDefault("REGISTRY_BODY_TIMEOUT", defaults.bodyTimeout().toString());
        String maxConnections = env.getOrDefault("REGISTRY_MAX_CONNECTIONS", Integer.toString(defaults.maxConnections()));
        String maxPerAddress = env.getOrDefault("REGISTRY_MAX_CONNECTIONS_PER_ADDRESS",
                Integer.toString(defaults.maxConnectionsPerAddress()));
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                return null;
            }
            String name = arg;
            String value;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new InvalidConfigException("option " + arg + " needs a value");
            }
            switch (name) {
                case "--port" -> port = value;
                case "--bind" -> bind = value;
                case "--data-dir" -> dataDir = value;
                case "--upload-expiry" -> expiry = value;
                case "--delete-grace" -> deleteGrace = value;
                case "--min-free-space" -> minFreeSpace = value;
                case "--tls-cert" -> tlsCert = value;
                case "--tls-key" -> tlsKey = value;
                case "--header-timeout" -> headerTimeout = value;
                case "--idle-timeout" -> idleTimeout = value;
                case "--body-timeout" -> bodyTimeout = value;
                case "--max-connections" -> maxConnections = value;
                case "--max-connections-per-address" -> maxPerAddress = value;
                default -> throw new InvalidConfigException("unknown option " + arg);
            }
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new InvalidConfigException("--tls-cert and --tls-key go together");
        }
        ConnectionLimits connections = new ConnectionLimits(positive("header timeout", headerTimeout),
                positive("idle timeout", idleTimeout), positive("body timeout", bodyTimeout),
                parseCount("connection cap", maxConnections), parseCount("per-address connection cap", maxPerAddress));
        return new ServerConfig(bind, parsePort(port), Path.of(dataDir).toAbsolutePath().normalize(),
                positive("upload expiry", expiry), parseDuration("delete grace", deleteGrace), parseSize(minFreeSpace),
                env.get("REGISTRY_ADMIN_TOKEN"), tlsCert == null ? null : Path.of(tlsCert),
                tlsKey == null ? null : Path.of(tlsKey), connections);
    }

    public boolean tls() {
        return tlsCert != null;
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

    private static int parseCount(String what, String value) {
        try {
            int count = Integer.parseInt(value);
            if (count < 1) {
                throw new InvalidConfigException("the " + what + " must be at least 1: " + value);
            }
            return count;
        } catch (NumberFormatException e) {
            throw new InvalidConfigException("the " + what + " is not a number: " + value);
        }
    }

    private static Duration parseDuration(String what, String value) {
        Duration duration;
        try {
            if (value.endsWith("h")) {
                duration = Duration.ofHours(Long.parseLong(value.substring(0, value.length() - 1)));
            } else if (value.endsWith("ms")) {
                duration = Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
            } else if (value.endsWith("m")) {
                duration = Duration.ofMinutes(Long.parseLong(value.substring(0, value.length() - 1)));
            } else if (value.endsWith("s")) {
                duration = Duration.ofSeconds(Long.parseLong(value.substring(0, value.length() - 1)));
            } else {
                duration = Duration.parse(value);
            }
        } catch (RuntimeException e) {
            throw new InvalidConfigException("the " + what + " is not a duration: " + value);
        }
        if (duration.isNegative()) {
            throw new InvalidConfigException("the " + what + " must not be negative: " + value);
        }
        return duration;
    }

    private static Duration positive(String what, String value) {
        Duration duration = parseDuration(what, value);
        if (duration.isZero()) {
            throw new InvalidConfigException("the " + what + " must be positive: " + value);
        }
        return duration;
    }

    /** A size in bytes, or in binary units with a suffix: {@code 512k}, {@code 256m}, {@code 2g}, {@code 1t}. */
    private static long parseSize(String value) {
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
                throw new InvalidConfigException("the minimum free space is out of range: " + value);
            }
            return amount << shift;
        } catch (NumberFormatException e) {
            throw new InvalidConfigException("the minimum free space is not a size: " + value);
        }
    }
}
