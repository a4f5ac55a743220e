package dev.berth.core.gc;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RemovalPaceTest {
    private final AtomicLong writes = new AtomicLong();
    private final List<Long> waits = new ArrayList<>();
    private final RemovalPace pace = new RemovalPace(writes::get, 2000, waits::add);

    @Test
    void goesAtFullSpeedOnFourThreadsWhileNothingIsWritten() {
        assertThat(pace.batchSize()).isEqualTo(RemovalPace.IDLE_BATCH);
        assertThat(pace.removers()).isEqualTo(4);
        pace.after(1000, TimeUnit.MILLISECONDS.toNanos(100));

        assertThat(waits).isEmpty();
    }

    @Test
    void removesOnFewerThreadsAndWaitsDownToItsRateWhileLinksAreMade() {
        writes.addAndGet(3);
        assertThat(pace.batchSize()).isEqualTo(RemovalPace.BUSY_BATCH);
        assertThat(pace.removers()).isEqualTo(RemovalPace.BUSY_REMOVERS);
        // 1,000 blobs at 2,000 a second take half a second; the batch took 100 ms of it.
        pace.after(1000, TimeUnit.MILLISECONDS.toNanos(100));

        assertThat(waits).containsExactly(TimeUnit.MILLISECONDS.toNanos(400));
    }

    @Test
    void waitsForNothingWhenABatchWasSlowerThanTheRateAnyway() {
        writes.incrementAndGet();
        pace.batchSize();
        pace.after(1000, TimeUnit.SECONDS.toNanos(1));
        pace.after(0, 0);

        assertThat(waits).isEmpty();
    }

    @Test
    void goesBackToFullSpeedOnceTheWritesStop() {
        writes.incrementAndGet();
        assertThat(pace.batchSize()).isEqualTo(RemovalPace.BUSY_BATCH);
        assertThat(pace.removers()).isEqualTo(RemovalPace.BUSY_REMOVERS);
        assertThat(pace.batchSize()).isEqualTo(RemovalPace.IDLE_BATCH);
        assertThat(pace.removers()).isEqualTo(4);
        pace.after(1000, 0);

        assertThat(waits).isEmpty();
    }

    @Test
    void neverHoldsBackWithoutALimit() {
        RemovalPace unlimited = new RemovalPace(writes::get, 0, waits::add);
        writes.incrementAndGet();

        assertThat(unlimited.batchSize()).isEqualTo(RemovalPace.IDLE_BATCH);
        assertThat(unlimited.removers()).isEqualTo(4);
        unlimited.after(1000, 0);
        assertThat(waits).isEmpty();
        assertThatThrownBy(() -> new RemovalPace(writes::get, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRunsFirstBatchIsShortAndGentleWhenLinksWereMadeBeforeIt() {
        // The pace has seen no batch yet: the writes since it was made decide the first one.
        writes.incrementAndGet();

        assertThat(pace.batchSize()).isEqualTo(RemovalPace.BUSY_BATCH);
        assertThat(pace.removers()).isEqualTo(RemovalPace.BUSY_REMOVERS);
    }
}
