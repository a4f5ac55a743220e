package dev.berth.http.memory;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MemoryBudgetTest {
    private static final long MIB = 1L << 20;

    @Test
    void sharesTheDefaultOutAsTheReadmeSays() {
        MemoryBudget budget = new MemoryBudget(256 * MIB);

        assertThat(budget.heap()).isEqualTo(128 * MIB);
        assertThat(budget.directMemory()).isEqualTo(32 * MIB);
        assertThat(budget.codeCache()).isEqualTo(48 * MIB);
        assertThat(budget.manifestCache()).isEqualTo(16 * MIB);
        assertThat(budget.metadataCache()).isEqualTo(8 * MIB);
        assertThat(budget.databaseCache()).isEqualTo(8 * MIB);
        assertThat(budget.credentialCache()).isEqualTo(2 * MIB);
        assertThat(budget.uploadBuffers()).isEqualTo(16 * MIB);
        assertThat(budget.jvmOptions(true)).containsExactly("-Xms96m", "-Xmx128m", "-XX:MaxDirectMemorySize=32m",
                "-XX:ReservedCodeCacheSize=48m", "-XX:MaxMetaspaceSize=128m", "-XX:+UseSerialGC", "-Xmn48m",
                "-XX:TrimNativeHeapInterval=5000", "-XX:+ExitOnOutOfMemoryError");
        assertThat(budget.jvmOptions(false)).as("on a JVM without the option").noneMatch(o -> o.contains("TrimNativeHeap"));
        assertThat(budget.describe()).isEqualTo("memory 256 MiB: heap 128 MiB (caches: manifests 16 MiB, metadata 8 MiB, "
                + "H2 8 MiB, credentials 2 MiB), direct 32 MiB (uploads in flight 16 MiB), code 48 MiB, serial collector");
    }

    @Test
    void growsTheCodeCacheWithTheBudgetUpToTheJvmsDefaultAndTakesG1From2GiB() {
        assertThat(new MemoryBudget(1024 * MIB).codeCache()).isEqualTo(128 * MIB);
        MemoryBudget large = new MemoryBudget(4096 * MIB);

        assertThat(large.codeCache()).isEqualTo(240 * MIB);
        assertThat(large.jvmOptions(true)).contains("-Xmx2048m", "-XX:+UseG1GC").doesNotContain("-XX:+UseSerialGC")
                .noneMatch(option -> option.startsWith("-Xmn"));
        assertThat(large.initialHeap()).isEqualTo(16 * MIB);
        assertThat(new MemoryBudget(2047 * MIB).serialCollector()).isTrue();
    }

    @Test
    void refusesABudgetTooSmallForTheJvmsOwnNeeds() {
        assertThatThrownBy(() -> new MemoryBudget(191 * MIB)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 192m");
        assertThat(new MemoryBudget(192 * MIB).heap()).isEqualTo(96 * MIB);
    }

    @Test
    void warnsWhenTheJvmsHeapMayGrowPastTheBudgetsShare() {
        MemoryBudget budget = new MemoryBudget(256 * MIB);

        assertThat(budget.unlike(128 * MIB)).isEmpty();
        assertThat(budget.unlike(124 * MIB)).as("the serial collector's limit less a survivor space").isEmpty();
        assertThat(budget.unlike(6144 * MIB)).hasValueSatisfying(warning -> assertThat(warning)
                .contains("6144 MiB", "128 MiB", "--memory 256m", "bin/berth", "-Xmx128m -XX:MaxDirectMemorySize=32m"));
    }
}
