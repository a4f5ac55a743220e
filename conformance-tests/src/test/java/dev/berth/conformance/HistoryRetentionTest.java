package dev.berth.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.conformance.RegistryClient.Image;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static dev.berth.conformance.Eventually.await;
import static dev.berth.conformance.OciAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --history-retention}: the server prunes history events older than the retention in the background,
 * and keeps the pull counters. With a retention of five seconds the server prunes every second; events are
 * written within a second, so the test sees them before they age out.
 */
class HistoryRetentionTest {
    @RegisterExtension
    static final RegistryExtension registry = RegistryExtension.perClass("--history-retention", "5s");

    @Test
    void prunesHistoryPastItsRetentionAndKeepsThePullCounters() {
        ManagementClient api = registry.management();
        String reg = api.newRegistry("keep");
        Image image = registry.client().pushImage(reg + "/app", "v1", 1);
        assertStatus(registry.client().getManifest(image.repo(), "v1"), 200);
        await("the push and the pull in the history", () -> api.history(reg),
                h -> h.get("count").asLong() >= 2);
        await("the pull counted", () -> api.repository(reg, "app"), r -> r.get("pull_count").asLong() == 1);

        JsonNode history = await("the history pruned", Duration.ofSeconds(30), () -> api.history(reg),
                h -> h.get("count").asLong() == 0);

        assertThat(history.get("results")).isEmpty();
        assertThat(api.repository(reg, "app").get("pull_count").asLong()).isEqualTo(1);
        assertThat(api.artifact(reg, "app", image.manifest().digest()).get("pull_count").asLong()).isEqualTo(1);
    }
}
