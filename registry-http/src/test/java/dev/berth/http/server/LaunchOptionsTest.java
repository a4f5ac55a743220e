package dev.berth.http.server;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LaunchOptionsTest {
    @Test
    void takesTheBudgetFromTheOptionsOverTheEnvironmentAndTheDefaultWithoutEither() {
        assertThat(LaunchOptions.jvmOptions(new String[] {"--port", "5001"}, Map.of())).contains("-Xmx128m");
        assertThat(LaunchOptions.jvmOptions(new String[0], Map.of("REGISTRY_MEMORY", "1g"))).contains("-Xmx512m");
        assertThat(LaunchOptions.jvmOptions(new String[] {"--memory=512m"}, Map.of("REGISTRY_MEMORY", "1g")))
                .contains("-Xmx256m");
        assertThat(LaunchOptions.jvmOptions(new String[] {"--help"}, Map.of())).as("help still starts a JVM")
                .contains("-Xmx128m");
    }

    @Test
    void asksTheJvmWhetherItHasAnOption() {
        assertThat(LaunchOptions.jvmKnows("MaxHeapSize")).isTrue();
        assertThat(LaunchOptions.jvmKnows("NoSuchOptionInAnyJvm")).isFalse();
    }

    @Test
    void refusesWhatTheServerWouldRefuseBeforeAServerJvmIsStarted() {
        assertThatThrownBy(() -> LaunchOptions.jvmOptions(new String[] {"--memory", "100m"}, Map.of()))
                .isInstanceOf(ServerConfig.InvalidConfigException.class).hasMessageContaining("at least 192m");
        assertThatThrownBy(() -> LaunchOptions.jvmOptions(new String[] {"--no-such-option"}, Map.of()))
                .isInstanceOf(ServerConfig.InvalidConfigException.class).hasMessageContaining("--no-such-option");
    }
}
