package dev.berth.conformance;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Berth started as the README says ({@code bin/berth}, which every black-box test uses) runs within its
 * {@code --memory}: the JVM's heap is the budget's half, the caches are sized from it, and both show on
 * {@code /metrics}. A budget too small is refused before a server starts; a JVM started around the launcher with a
 * larger heap is told so at start.
 */
class MemoryBudgetLaunchTest {
    private static final long MIB = 1L << 20;

    @RegisterExtension
    static final RegistryExtension registry = RegistryExtension.perClass("--memory", "320m");

    @Test
    void theLauncherBoundsTheJvmByTheBudgetAndTheServerSizesItsCachesFromIt() {
        String metrics = new String(registry.process().anonymousClient().get("/metrics").body(), StandardCharsets.UTF_8);

        assertThat(gauge(metrics, "berth_memory_budget_bytes{share=\"total\"}")).isEqualTo(320 * MIB);
        assertThat(gauge(metrics, "berth_memory_budget_bytes{share=\"heap\"}")).isEqualTo(160 * MIB);
        assertThat(gauge(metrics, "berth_cache_limit_bytes{cache=\"manifests\"}")).isEqualTo(20 * MIB);
        assertThat(gauge(metrics, "berth_cache_limit_bytes{cache=\"metadata\"}")).isEqualTo(10 * MIB);
        assertThat(heapLimit(metrics)).as("the JVM's own heap limit, all its pools").isLessThanOrEqualTo(160 * MIB)
                .isGreaterThan(120 * MIB);
        assertThat(registry.process().log()).contains("Berth memory 320 MiB: heap 160 MiB")
                .doesNotContain("the JVM's heap may grow");
    }

    @Test
    void aBudgetTooSmallIsRefusedByTheLauncherWithTheServersMessage() {
        RegistryProcess.CommandRun run = registry.process().runCommand("--memory", "100m");

        assertThat(run.exitStatus()).isEqualTo(2);
        assertThat(run.stderr()).contains("berth: --memory must be at least 192m").contains("usage:");
        assertThat(run.stdout()).isEmpty();
    }

    @Test
    void aJvmStartedAroundTheLauncherWithALargerHeapIsToldSoAtStart() throws Exception {
        Path dir = Files.createTempDirectory("berth-bare-jvm-");
        Path log = dir.resolve("server.log");
        Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                "-jar", System.getProperty("berth.jar"), "--port", Integer.toString(RegistryProcess.freePort()),
                "--bind", "127.0.0.1", "--data-dir", dir.resolve("data").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            String output = awaitLine(log, server, "the JVM's heap may grow");

            assertThat(output).contains("berth: the JVM's heap may grow to 1024 MiB, more than the 128 MiB of --memory 256m")
                    .contains("-Xmx128m");
        } finally {
            server.destroy();
            server.waitFor();
            RegistryProcess.deleteRecursively(dir);
        }
    }

    private static String awaitLine(Path log, Process server, String wanted) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            String text = Files.readString(log, StandardCharsets.UTF_8);
            if (text.contains(wanted)) {
                return text;
            }
            assertThat(server.isAlive()).as("server running; its output: " + text).isTrue();
            Thread.sleep(100);
        }
        throw new AssertionError("no '" + wanted + "' within 60 s: " + Files.readString(log, StandardCharsets.UTF_8));
    }

    private static long gauge(String metrics, String series) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith(series + " ")) {
                return (long) Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        throw new AssertionError("no " + series + " in /metrics");
    }

    /** The sum of {@code jvm_memory_max_bytes} over the heap's pools. */
    private static long heapLimit(String metrics) {
        Matcher pools = Pattern.compile("(?m)^jvm_memory_max_bytes\\{area=\"heap\",[^}]*} (\\S+)$").matcher(metrics);
        long sum = 0;
        List<String> seen = new ArrayList<>();
        while (pools.find()) {
            seen.add(pools.group());
            sum += (long) Double.parseDouble(pools.group(1));
        }
        assertThat(seen).as("heap pools on /metrics").isNotEmpty();
        return sum;
    }
}
