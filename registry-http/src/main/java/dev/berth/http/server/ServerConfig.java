package dev.berth.http.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The server's settings, from command-line options over environment variables over defaults.
 *
 * @param uploadExpiry how long an unfinished upload session lives before it is removed
 * @param adminToken the admin token from the environment, or null to keep the stored one (or generate one)
 * @param tlsCert the PEM certificate chain to serve HTTPS with, or null for plain HTTP
 * @param tlsKey the PEM (PKCS#8) private key of {@code tlsCert}, or null
 * @param logins the failed-login throttle and the bounds of the slow hash
 * @param uploads the caps on open upload sessions
 */
public record ServerConfig(String bind, int port, Path dataDir, Duration uploadExpiry, String adminToken, Path tlsCert,
                           Path tlsKey, LoginLimits logins, UploadLimits uploads) {
    public static final String USAGE = """
            usage: java -jar registry.jar [options]
              --port N             port to listen on (env REGISTRY_PORT, default 5000)
              --bind ADDRESS       address to bind (env REGISTRY_BIND, default 0.0.0.0)
              --data-dir DIR       data directory (env REGISTRY_DATA_DIR, default ./data)
              --upload-expiry DUR  lifetime of unfinished uploads, ISO-8601 or 90s, 30m, 24h
                                   (env REGISTRY_UPLOAD_EXPIRY, default 24h)
              --tls-cert FILE      PEM certificate chain: serve HTTPS (env REGISTRY_TLS_CERT)
              --tls-key FILE       PEM (PKCS#8) private key of that certificate (env REGISTRY_TLS_KEY)
              --auth-failures-per-address N   failed logins a client address may make per window before it
                                   is answered 429 (env REGISTRY_AUTH_FAILURES_PER_ADDRESS, default 10)
              --auth-failure-window DUR       that window (env REGISTRY_AUTH_FAILURE_WINDOW, default 60s)
              --auth-failures-per-user N      failed logins per user name and window, counted against
                                   clients that failed themselves (env REGISTRY_AUTH_FAILURES_PER_USER, default 20)
              --auth-user-failure-window DUR  that window (env REGISTRY_AUTH_USER_FAILURE_WINDOW, default 10s)
              --auth-hash-threads N           admin token checks hashed at once (env REGISTRY_AUTH_HASH_THREADS, default 1)
              --auth-hash-queue N             checks that may wait for them; more are answered 429
                                   (env REGISTRY_AUTH_HASH_QUEUE, default 4)
              --upload-sessions-per-user N      open upload sessions one user may have
                                   (env REGISTRY_UPLOAD_SESSIONS_PER_USER, default 100)
              --upload-sessions-per-registry N  open upload sessions one tenant registry may have
                                   (env REGISTRY_UPLOAD_SESSIONS_PER_REGISTRY, default 500)
              --upload-idle-release DUR  an upload that writes nothing for this long gives back its quota
                                   reservation; it stays valid (env REGISTRY_UPLOAD_IDLE_RELEASE, default 15m)
              --help               print this help
            environment only:
              REGISTRY_ADMIN_TOKEN the admin token (user 'admin' on /v2, Bearer token on /api/v1);
                                   when unset on first start one is generated and printed once
            """;

    /**
     * The failed-login throttle (see {@code FailedLogins}) and the slow hash's pool (see {@code SlowHashExecutor}).
     */
    public record LoginLimits(int failuresPerAddress, Duration addressWindow, int failuresPerUser, Duration userWindow,
                              int hashThreads, int hashQueue) {
    }

    /**
     * The caps on open upload sessions (see {@code UploadSessionLimits}), and how long an upload may write
     * nothing before its quota reservation is given back (see {@code QuotaLedger.releaseIdle}).
     */
    public record UploadLimits(int sessionsPerUser, int sessionsPerRegistry, Duration idleRelease) {
    }

    /** Thrown for a bad option; its message is meant for the operator. */
    public static final class InvalidConfigException extends RuntimeException {
        InvalidConfigException(String message) {
            super(message);
        }
    }

    /** An option, the environment variable behind it and its default (null for none). */
    private record Option(String flag, String env, String fallback) {
    }

    private static final List<Option> OPTIONS = List.of(
            new Option("--port", "REGISTRY_PORT", "5000"),
            new Option("--bind", "REGISTRY_BIND", "0.0.0.0"),
            new Option("--data-dir", "REGISTRY_DATA_DIR", "data"),
            new Option("--upload-expiry", "REGISTRY_UPLOAD_EXPIRY", "24h"),
            new Option("--tls-cert", "REGISTRY_TLS_CERT", null),
            new Option("--tls-key", "REGISTRY_TLS_KEY", null),
            new Option("--auth-failures-per-address", "REGISTRY_AUTH_FAILURES_PER_ADDRESS", "10"),
            new Option("--auth-failure-window", "REGISTRY_AUTH_FAILURE_WINDOW", "60s"),
            new Option("--auth-failures-per-user", "REGISTRY_AUTH_FAILURES_PER_USER", "20"),
            new Option("--auth-user-failure-window", "REGISTRY_AUTH_USER_FAILURE_WINDOW", "10s"),
            new Option("--auth-hash-threads", "REGISTRY_AUTH_HASH_THREADS", "1"),
            new Option("--auth-hash-queue", "REGISTRY_AUTH_HASH_QUEUE", "4"),
            new Option("--upload-sessions-per-user", "REGISTRY_UPLOAD_SESSIONS_PER_USER", "100"),
            new Option("--upload-sessions-per-registry", "REGISTRY_UPLOAD_SESSIONS_PER_REGISTRY", "500"),
            new Option("--upload-idle-release", "REGISTRY_UPLOAD_IDLE_RELEASE", "15m"));

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
            String flag = name;
            if (OPTIONS.stream().noneMatch(option -> option.flag().equals(flag))) {
                throw new InvalidConfigException("unknown option " + arg);
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
                count(values, "--upload-sessions-per-registry", 1), duration(values, "--upload-idle-release"));
        return new ServerConfig(values.get("--bind"), parsePort(values.get("--port")),
                Path.of(values.get("--data-dir")).toAbsolutePath().normalize(), duration(values, "--upload-expiry"),
                env.get("REGISTRY_ADMIN_TOKEN"), tlsCert == null ? null : Path.of(tlsCert), tlsKey == null ? null : Path.of(tlsKey),
                logins, uploads);
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

    /** A positive duration: seconds, minutes or hours like {@code 90s}, {@code 30m}, {@code 24h}, or ISO-8601. */
    private static Duration duration(Map<String, String> values, String flag) {
        String value = values.get(flag);
        Duration duration;
        try {
            String amount = value.substring(0, Math.max(0, value.length() - 1));
            if (value.endsWith("h")) {
                duration = Duration.ofHours(Long.parseLong(amount));
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
        if (duration.isNegative() || duration.isZero()) {
            throw new InvalidConfigException(flag + " must be positive: " + value);
        }
        return duration;
    }
}
