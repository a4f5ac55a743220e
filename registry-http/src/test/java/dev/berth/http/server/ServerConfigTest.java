package dev.berth.http.server;

import dev.berth.http.memory.MemoryBudget;
import dev.berth.storage.s3.S3Location;
import dev.berth.storage.meta.MetadataLocation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerConfigTest {
    private static ServerConfig parse(Map<String, String> env, String... args) {
        return ServerConfig.parse(args, env);
    }

    @Test
    void usesTheDefaultsWithNeitherArgumentsNorEnvironment() {
        ServerConfig config = parse(Map.of());

        assertThat(config.bind()).isEqualTo("0.0.0.0");
        assertThat(config.port()).isEqualTo(5000);
        assertThat(config.dataDir()).isEqualTo(Path.of("data").toAbsolutePath().normalize());
        assertThat(config.metadata()).isEqualTo(MetadataLocation.embedded());
        assertThat(config.uploadExpiry()).isEqualTo(Duration.ofHours(24));
        assertThat(config.gcGrace()).isEqualTo(Duration.ofHours(1));
        assertThat(config.gcInterval()).isEqualTo(Duration.ofHours(24));
        assertThat(config.minFreeBytes()).isEqualTo(256L << 20);
        assertThat(config.adminToken()).isNull();
        assertThat(config.tls()).isFalse();
        assertThat(config.connections()).isEqualTo(new ConnectionLimits(Duration.ofSeconds(30), Duration.ofSeconds(60),
                Duration.ofSeconds(60), 4096, 256));
    }

    @Test
    void takesTheEnvironmentOverTheDefaults() {
        ServerConfig config = parse(Map.of("REGISTRY_PORT", "6000", "REGISTRY_BIND", "127.0.0.1", "REGISTRY_DATA_DIR", "/srv/berth",
                "REGISTRY_UPLOAD_EXPIRY", "2h", "REGISTRY_ADMIN_TOKEN", "s3cret"));

        assertThat(config.port()).isEqualTo(6000);
        assertThat(config.bind()).isEqualTo("127.0.0.1");
        assertThat(config.dataDir()).isEqualTo(Path.of("/srv/berth"));
        assertThat(config.uploadExpiry()).isEqualTo(Duration.ofHours(2));
        assertThat(config.adminToken()).isEqualTo("s3cret");
    }

    @Test
    void takesArgumentsOverTheEnvironment() {
        Map<String, String> env = Map.of("REGISTRY_PORT", "6000", "REGISTRY_BIND", "127.0.0.1", "REGISTRY_DATA_DIR", "/srv/env");

        ServerConfig config = parse(env, "--port", "7000", "--bind=::1", "--data-dir", "/srv/arg");

        assertThat(config.port()).isEqualTo(7000);
        assertThat(config.bind()).isEqualTo("::1");
        assertThat(config.dataDir()).isEqualTo(Path.of("/srv/arg"));
    }

    @Test
    void acceptsBothOptionForms() {
        assertThat(parse(Map.of(), "--port=8080").port()).isEqualTo(8080);
        assertThat(parse(Map.of(), "--port", "8080").port()).isEqualTo(8080);
    }

    @ParameterizedTest
    @ValueSource(strings = {"--help", "-h"})
    void answersNullWhenHelpIsAskedFor(String flag) {
        assertThat(parse(Map.of(), "--port", "1", flag)).isNull();
        assertThat(parse(Map.of(), flag, "--unknown")).isNull();
        assertThat(ServerConfig.USAGE).contains("--port").contains("--data-dir").contains("REGISTRY_ADMIN_TOKEN");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"abc", "-1", "65536", "", "80.5", "99999999999"})
    void refusesABadPort(String port) {
        assertThatThrownBy(() -> parse(Map.of(), "--port", port)).isInstanceOf(ServerConfig.InvalidConfigException.class)
                .hasMessageContaining("port");
        assertThatThrownBy(() -> parse(Map.of("REGISTRY_PORT", port))).isInstanceOf(ServerConfig.InvalidConfigException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "1", "65535"})
    void acceptsAPortInRange(String port) {
        assertThat(parse(Map.of(), "--port", port).port()).isEqualTo(Integer.parseInt(port));
    }

    @Test
    void refusesAnUnknownOptionAndAMissingValue() {
        assertThatThrownBy(() -> parse(Map.of(), "--colour", "blue")).isInstanceOf(ServerConfig.InvalidConfigException.class)
                .hasMessageContaining("--colour");
        assertThatThrownBy(() -> parse(Map.of(), "--port")).isInstanceOf(ServerConfig.InvalidConfigException.class)
                .hasMessageContaining("needs a value");
    }

    @Test
    void readsThePublicAddressWithOrWithoutAScheme() {
        assertThat(parse(Map.of()).publicUrl()).isNull();
        assertThat(parse(Map.of("REGISTRY_PUBLIC_URL", "registry.example.com")).publicUrl()).isEqualTo("registry.example.com");
        assertThat(parse(Map.of(), "--public-url", "https://registry.example.com:5000/").publicUrl())
                .isEqualTo("registry.example.com:5000");
        assertThatThrownBy(() -> parse(Map.of(), "--public-url", "registry.example.com/v2"))
                .isInstanceOf(ServerConfig.InvalidConfigException.class).hasMessageContaining("--public-url");
    }

    @Test
    void listensAtTheBoundAddressOrThisHostsNameWhenBoundToEvery() throws Exception {
        String hostName = java.net.InetAddress.getLocalHost().getHostName();
        assertThat(parse(Map.of(), "--port", "5001").listeningAddress()).isEqualTo(hostName + ":5001");
        assertThat(parse(Map.of(), "--bind", "::", "--port", "5001").listeningAddress()).isEqualTo(hostName + ":5001");
        assertThat(parse(Map.of(), "--bind", "127.0.0.1", "--port", "5001").listeningAddress()).isEqualTo("127.0.0.1:5001");
        assertThat(parse(Map.of(), "--bind", "::1", "--port", "5001").listeningAddress()).isEqualTo("[::1]:5001");
    }

    @Test
    void servesTlsWithACertificateAndItsKey() {
        ServerConfig config = parse(Map.of("REGISTRY_TLS_KEY", "/k.pem"), "--tls-cert", "/c.pem");

        assertThat(config.tls()).isTrue();
        assertThat(config.tlsCert()).isEqualTo(Path.of("/c.pem"));
        assertThat(config.tlsKey()).isEqualTo(Path.of("/k.pem"));
    }

    @Test
    void refusesACertificateWithoutAKeyAndAKeyWithoutACertificate() {
        assertThatThrownBy(() -> parse(Map.of(), "--tls-cert", "/c.pem")).isInstanceOf(ServerConfig.InvalidConfigException.class);
        assertThatThrownBy(() -> parse(Map.of("REGISTRY_TLS_KEY", "/k.pem"))).isInstanceOf(ServerConfig.InvalidConfigException.class);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource({"24h, PT24H", "1h, PT1H", "30m, PT30M", "PT90M, PT1H30M", "P1D, PT24H", "PT10S, PT10S", "30s, PT30S",
            "250ms, PT0.25S", "45s, PT45S", "90s, PT1M30S", "1d, PT24H", "90d, PT2160H"})
    void parsesDurationsInDaysHoursMinutesOrIso(String value, Duration expected) {
        assertThat(parse(Map.of(), "--upload-expiry", value).uploadExpiry()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"", "h", "d", "soon", "1.5h", "24", "1.5d"})
    void refusesAMalformedDuration(String value) {
        assertThatThrownBy(() -> parse(Map.of(), "--upload-expiry", value)).isInstanceOf(ServerConfig.InvalidConfigException.class)
                .hasMessageContaining("duration");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"-1h", "0h", "-5m", "PT-1H", "PT0S", "0"})
    void refusesAnUploadExpiryThatIsNotPositive(String value) {
        assertThatThrownBy(() -> parse(Map.of(), "--upload-expiry", value)).isInstanceOf(ServerConfig.InvalidConfigException.class);
    }

    @Test
    void takesAGcGraceFromTheEnvironmentOrAnOptionAndAllowsNone() {
        assertThat(parse(Map.of("REGISTRY_GC_GRACE", "10m")).gcGrace()).isEqualTo(Duration.ofMinutes(10));
        assertThat(parse(Map.of("REGISTRY_GC_GRACE", "10m"), "--gc-grace", "0s").gcGrace()).isZero();
        assertThatThrownBy(() -> parse(Map.of(), "--gc-grace", "-1h")).isInstanceOf(ServerConfig.InvalidConfigException.class)
                .hasMessageContaining("negative");
    }

    @Test
    void takesAPostgresqlMetadataUrlWithItsUserAndPasswordFromTheEnvironment() {
        ServerConfig config = parse(Map.of("REGISTRY_METADATA_URL", "jdbc:postgresql://db:5432/berth",
                "REGISTRY_METADATA_USER", "berth", "REGISTRY_METADATA_PASSWORD", "s3cret"));

        assertThat(config.metadata()).isEqualTo(MetadataLocation.postgresql("jdbc:postgresql://db:5432/berth", "berth", "s3cret"));
        assertThat(config.metadata().engine()).isEqualTo("postgresql");
        assertThat(config.metadata().toString()).doesNotContain("s3cret");
        assertThat(parse(Map.of(), "--metadata-url", "jdbc:postgresql://other/db").metadata())
                .isEqualTo(MetadataLocation.postgresql("jdbc:postgresql://other/db", null, null));
    }

    @Test
    void refusesAMetadataUrlThatIsNotPostgresql() {
        assertThatThrownBy(() -> parse(Map.of(), "--metadata-url", "jdbc:mysql://db/berth"))
                .isInstanceOf(ServerConfig.InvalidConfigException.class)
                .hasMessageContaining("--metadata-url").hasMessageContaining("jdbc:postgresql://");
    }

    @Test
    void pacesCollectionsToTwoAndAHalfThousandBlobsASecondWhilePushesGoOnUnlessToldOtherwise() {
        assertThat(parse(Map.of()).gcBusyRate()).isEqualTo(2500);
        assertThat(parse(Map.of("REGISTRY_GC_BUSY_RATE", "1000")).gcBusyRate()).isEqualTo(1000);
        assertThat(parse(Map.of(), "--gc-busy-rate", "0").gcBusyRate()).isZero();
        assertThatThrownBy(() -> parse(Map.of(), "--gc-busy-rate", "-5"))
                .isInstanceOf(ServerConfig.InvalidConfigException.class).hasMessageContaining("--gc-busy-rate");
    }

    @Test
    void takesAGcIntervalAndTurnsTheScheduleOffWithZero() {
        assertThat(parse(Map.of("REGISTRY_GC_INTERVAL", "6h")).gcInterval()).isEqualTo(Duration.ofHours(6));
        assertThat(parse(Map.of(), "--gc-interval", "0").gcInterval()).isZero();
    }

    @Test
    void keepsHistoryNinetyDaysUnlessToldOtherwiseAndForeverWhenZero() {
        assertThat(parse(Map.of()).historyRetention()).isEqualTo(Duration.ofDays(90));
        assertThat(parse(Map.of("REGISTRY_HISTORY_RETENTION", "30d")).historyRetention()).isEqualTo(Duration.ofDays(30));
        assertThat(parse(Map.of("REGISTRY_HISTORY_RETENTION", "30d"), "--history-retention", "0").historyRetention())
                .isZero();
        assertThatThrownBy(() -> parse(Map.of(), "--history-retention", "-1d"))
                .isInstanceOf(ServerConfig.InvalidConfigException.class);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource({"0, 0", "1024, 1024", "512k, 524288", "256m, 268435456", "2G, 2147483648", "1t, 1099511627776"})
    void parsesAMinimumFreeSpaceInBytesOrBinaryUnits(String value, long expected) {
        assertThat(parse(Map.of(), "--min-free-space", value).minFreeBytes()).isEqualTo(expected);
        assertThat(parse(Map.of("REGISTRY_MIN_FREE_SPACE", value)).minFreeBytes()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"", "m", "-1m", "1.5g", "lots", "99999999999t"})
    void refusesAMalformedSize(String value) {
        assertThatThrownBy(() -> parse(Map.of(), "--min-free-space", value)).isInstanceOf(ServerConfig.InvalidConfigException.class);
    }

    @Test
    void takesTheTimeoutsAndConnectionCapsFromOptionsOverTheEnvironment() {
        Map<String, String> env = Map.of("REGISTRY_HEADER_TIMEOUT", "5s", "REGISTRY_IDLE_TIMEOUT", "2m",
                "REGISTRY_BODY_TIMEOUT", "90s", "REGISTRY_MAX_CONNECTIONS", "100", "REGISTRY_MAX_CONNECTIONS_PER_ADDRESS", "10");

        assertThat(parse(env).connections()).isEqualTo(new ConnectionLimits(Duration.ofSeconds(5), Duration.ofMinutes(2),
                Duration.ofSeconds(90), 100, 10));
        assertThat(parse(env, "--header-timeout", "200ms", "--idle-timeout=1s", "--body-timeout", "PT3S",
                "--max-connections", "7", "--max-connections-per-address", "3").connections())
                .isEqualTo(new ConnectionLimits(Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(3), 7, 3));
        assertThat(ServerConfig.USAGE).contains("--header-timeout", "--idle-timeout", "--body-timeout", "--max-connections",
                "REGISTRY_MAX_CONNECTIONS_PER_ADDRESS");
    }

    @ParameterizedTest(name = "[{index}] {0} {1}")
    @CsvSource({"--header-timeout, 0s", "--idle-timeout, -1m", "--body-timeout, soon", "--max-connections, 0",
            "--max-connections-per-address, many"})
    void refusesATimeoutOrCapThatIsNotPositive(String option, String value) {
        assertThatThrownBy(() -> parse(Map.of(), option, value)).isInstanceOf(ServerConfig.InvalidConfigException.class);
    }

    @Test
    void throttlesFailedLoginsAndBoundsTheSlowHashByDefault() {
        assertThat(parse(Map.of()).logins()).isEqualTo(new ServerConfig.LoginLimits(10, Duration.ofSeconds(60), 20,
                Duration.ofSeconds(10), 1, 4));
    }

    @Test
    void takesTheLoginLimitsFromTheEnvironmentAndTheOptions() {
        ServerConfig config = parse(Map.of("REGISTRY_AUTH_FAILURES_PER_ADDRESS", "3", "REGISTRY_AUTH_HASH_QUEUE", "0"),
                "--auth-failure-window", "5m", "--auth-failures-per-user", "7", "--auth-user-failure-window=30s",
                "--auth-hash-threads", "2");

        assertThat(config.logins()).isEqualTo(new ServerConfig.LoginLimits(3, Duration.ofMinutes(5), 7, Duration.ofSeconds(30), 2, 0));
    }

    @ParameterizedTest(name = "[{index}] {0} {1}")
    @CsvSource({"--auth-failures-per-address, 0", "--auth-hash-threads, 0", "--auth-hash-queue, -1", "--auth-failures-per-user, x",
            "--auth-failure-window, 0s"})
    void refusesALoginLimitOutOfRange(String option, String value) {
        assertThatThrownBy(() -> parse(Map.of(), option, value)).isInstanceOf(ServerConfig.InvalidConfigException.class)
                .hasMessageContaining(option);
    }

    @Test
    void runsWithin256MiBByDefaultAndTakesAnotherBudgetFromTheOptionOrTheEnvironment() {
        assertThat(parse(Map.of()).memory()).isEqualTo(new MemoryBudget(256L << 20));
        assertThat(parse(Map.of("REGISTRY_MEMORY", "1g")).memory().heap()).isEqualTo(512L << 20);
        assertThat(parse(Map.of("REGISTRY_MEMORY", "1g"), "--memory", "384m").memory().total()).isEqualTo(384L << 20);
        assertThatThrownBy(() -> parse(Map.of(), "--memory", "128m")).isInstanceOf(ServerConfig.InvalidConfigException.class)
                .hasMessageContaining("--memory must be at least 192m");
        assertThatThrownBy(() -> parse(Map.of(), "--memory", "lots")).isInstanceOf(ServerConfig.InvalidConfigException.class)
                .hasMessageContaining("--memory");
    }

    @Test
    void capsOpenUploadSessionsInTheHundredsByDefault() {
        assertThat(parse(Map.of()).uploads()).isEqualTo(new ServerConfig.UploadLimits(100, 500, Duration.ofMinutes(15), 0));
        assertThat(parse(Map.of("REGISTRY_UPLOAD_SESSIONS_PER_USER", "5", "REGISTRY_UPLOAD_IDLE_RELEASE", "90s",
                        "REGISTRY_CHUNK_MIN_LENGTH", "5m"),
                "--upload-sessions-per-registry", "7").uploads())
                .isEqualTo(new ServerConfig.UploadLimits(5, 7, Duration.ofSeconds(90), 5L << 20));
        assertThatThrownBy(() -> parse(Map.of(), "--chunk-min-length", "-1"))
                .isInstanceOf(ServerConfig.InvalidConfigException.class).hasMessageContaining("--chunk-min-length");
        assertThatThrownBy(() -> parse(Map.of(), "--upload-sessions-per-user", "0"))
                .isInstanceOf(ServerConfig.InvalidConfigException.class).hasMessageContaining("--upload-sessions-per-user");
    }

    @Test
    void keepsBlobsInTheDataDirectoryUnlessAnS3BucketIsGiven() {
        ServerConfig defaults = parse(Map.of());
        assertThat(defaults.s3()).isNull();
        assertThat(defaults.blobBackend().engine()).isEqualTo("fs");

        ServerConfig s3 = parse(Map.of(), "--blob-store", "s3", "--s3-endpoint", "http://127.0.0.1:9000",
                "--s3-bucket", "blobs", "--s3-path-style");
        assertThat(s3.s3()).isEqualTo(new S3Location(URI.create("http://127.0.0.1:9000"), "blobs", "us-east-1", true, false));
        assertThat(s3.blobBackend().engine()).isEqualTo("s3");
        assertThat(s3.blobBackend().identity()).isEqualTo("s3 http://127.0.0.1:9000 bucket blobs");

        ServerConfig fromEnv = parse(Map.of("REGISTRY_BLOB_STORE", "s3", "REGISTRY_S3_BUCKET", "b",
                "REGISTRY_S3_REGION", "eu-west-1", "REGISTRY_S3_PATH_STYLE", "true"));
        assertThat(fromEnv.s3()).isEqualTo(new S3Location(null, "b", "eu-west-1", true, false));
        assertThat(parse(Map.of("REGISTRY_S3_PATH_STYLE", "true"), "--blob-store", "s3", "--s3-bucket", "b",
                "--s3-path-style=false").s3().pathStyle()).isFalse();
        assertThat(parse(Map.of(), "--blob-store", "s3", "--s3-bucket", "b", "--s3-redirect").s3().redirect()).isTrue();
    }

    @Test
    void refusesAnIncompleteOrMisspeltS3Configuration() {
        assertThatThrownBy(() -> parse(Map.of(), "--blob-store", "s3"))
                .isInstanceOf(ServerConfig.InvalidConfigException.class).hasMessageContaining("--s3-bucket");
        assertThatThrownBy(() -> parse(Map.of(), "--blob-store", "gcs"))
                .isInstanceOf(ServerConfig.InvalidConfigException.class).hasMessageContaining("fs or s3");
        assertThatThrownBy(() -> parse(Map.of(), "--s3-bucket", "b"))
                .isInstanceOf(ServerConfig.InvalidConfigException.class).hasMessageContaining("--blob-store s3");
        assertThatThrownBy(() -> parse(Map.of(), "--blob-store", "s3", "--s3-bucket", "b", "--s3-endpoint", "127.0.0.1:9000"))
                .isInstanceOf(ServerConfig.InvalidConfigException.class).hasMessageContaining("--s3-endpoint");
        assertThatThrownBy(() -> parse(Map.of("REGISTRY_S3_PATH_STYLE", "yes"), "--blob-store", "s3", "--s3-bucket", "b"))
                .isInstanceOf(ServerConfig.InvalidConfigException.class).hasMessageContaining("--s3-path-style");
    }

    @Test
    void theReadmeConfigurationTableHasARowForEveryOptionWithItsVariableAndDefault() throws IOException {
        // A | inside a cell is escaped in Markdown.
        List<String> rows = Files.readAllLines(Path.of("..", "README.md")).stream()
                .filter(line -> line.startsWith("| `--") && !line.startsWith("| `--help"))
                .map(line -> line.replace("\\|", "|")).toList();

        for (ServerConfig.Option option : ServerConfig.OPTIONS) {
            String usage = option.isSwitch() ? option.flag() : option.flag() + " " + option.argument();
            String flag = "| `" + usage + "` | `" + option.env() + "` | ";
            assertThat(rows).as(option.flag()).anySatisfy(row -> {
                assertThat(row).startsWith(flag);
                assertThat(row.substring(flag.length())).startsWith(option.fallback() == null ? "none" : "`");
                if (option.fallback() != null) {
                    assertThat(row.substring(flag.length()).split("`")[1]).endsWith(option.fallback());
                }
            });
            assertThat(ServerConfig.USAGE).contains(usage, option.env());
        }
        assertThat(rows).hasSize(ServerConfig.OPTIONS.size());
    }
}
