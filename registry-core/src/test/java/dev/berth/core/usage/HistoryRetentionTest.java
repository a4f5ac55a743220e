package dev.berth.core.usage;

import dev.berth.core.testing.InMemoryUsageStore;
import dev.berth.core.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HistoryRetentionTest {
    private final MutableClock clock = MutableClock.atSomeDay();
    private final InMemoryUsageStore store = new InMemoryUsageStore();
    private final HistoryRetention retention = new HistoryRetention(store, Duration.ofDays(90), clock);

    private static HistoryEvent event(Instant time) {
        return new HistoryEvent(time, "acme", "pull", "app", "latest", null, 1, "ci");
    }

    @Test
    void deletesInBatchesEveryEventOlderThanTheRetentionAndKeepsTheRest() {
        Instant cutOff = clock.instant().minus(Duration.ofDays(90));
        List<HistoryEvent> old = new ArrayList<>();
        for (int i = 0; i < HistoryRetention.BATCH * 2 + 5; i++) {
            old.add(event(cutOff.minusSeconds(i + 1)));
        }
        store.appendHistory(old);
        HistoryEvent atTheCutOff = event(cutOff);
        HistoryEvent recent = event(clock.instant());
        store.appendHistory(List.of(atTheCutOff, recent));

        assertThat(retention.prune()).isEqualTo(old.size());

        assertThat(store.events()).containsExactly(atTheCutOff, recent);
        assertThat(retention.prune()).isZero();
    }

    @Test
    void prunesWhatAgedPastTheRetentionSinceTheLastRun() {
        HistoryEvent event = event(clock.instant());
        store.appendHistory(List.of(event));
        assertThat(retention.prune()).isZero();

        clock.advance(Duration.ofDays(90).plusSeconds(1));

        assertThat(retention.prune()).isEqualTo(1);
        assertThat(store.events()).isEmpty();
    }

    @Test
    void refusesARetentionThatKeepsNothing() {
        assertThatThrownBy(() -> new HistoryRetention(store, Duration.ZERO, clock))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
