package dev.berth.core.gc;

import dev.berth.core.listing.PageRequest;
import dev.berth.core.testing.StoreContract;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The contract of {@link GcRunStore}: the runs' record and the lease, as every implementation must keep them. */
public abstract class GcRunStoreContract extends StoreContract {
    private static final Duration LEASE = Duration.ofMinutes(1);

    private static GcRun run(String id, Instant startedAt) {
        return new GcRun(id, GcState.RUNNING, false, true, startedAt, null, 0, 0, 0, 0, null);
    }

    @Test
    void keepsARunThroughItsProgressToItsEnd() {
        GcRun started = gcRuns.start(run("gc-1", NOW), "node-a", NOW, NOW.plus(LEASE)).orElseThrow();
        GcRun progress = new GcRun("gc-1", GcState.RUNNING, false, true, NOW, null, 10, 1000, 1, 0, null);
        gcRuns.save(progress, "node-a");
        assertThat(gcRuns.find("gc-1")).contains(progress);

        GcRun done = new GcRun("gc-1", GcState.DONE, false, true, NOW, NOW.plusSeconds(5), 20, 2000, 1, 3, null);
        gcRuns.save(done, "node-a");

        assertThat(started).isEqualTo(run("gc-1", NOW));
        assertThat(gcRuns.find("gc-1")).contains(done);
        assertThat(gcRuns.find("gc-none")).isEmpty();
        assertThat(gcRuns.lastStarted()).contains(NOW);
    }

    @Test
    void oneNodeHoldsTheLeaseUntilItsRunEndsOrTheLeaseExpires() {
        gcRuns.start(run("gc-a", NOW), "node-a", NOW, NOW.plus(LEASE)).orElseThrow();

        assertThat(gcRuns.start(run("gc-b", NOW), "node-b", NOW.plusSeconds(30), NOW.plusSeconds(90))).isEmpty();
        assertThat(gcRuns.renew("node-a", "gc-a", NOW.plus(LEASE.multipliedBy(2)))).isTrue();
        assertThat(gcRuns.start(run("gc-b", NOW), "node-b", NOW.plus(LEASE), NOW.plus(LEASE).plus(LEASE))).isEmpty();

        Instant expired = NOW.plus(LEASE.multipliedBy(3));
        assertThat(gcRuns.start(run("gc-b", expired), "node-b", expired, expired.plus(LEASE))).isPresent();
        GcRun stopped = gcRuns.find("gc-a").orElseThrow();
        assertThat(stopped.state()).isEqualTo(GcState.FAILED);
        assertThat(stopped.finishedAt()).isEqualTo(expired);
        assertThat(stopped.error()).contains("interrupted");
        assertThat(gcRuns.renew("node-a", "gc-a", expired.plus(LEASE))).as("the lease was taken").isFalse();
    }

    @Test
    void aFinishedRunGivesTheLeaseBackAndTheSameNodeTakesItBackAfterARestart() {
        gcRuns.start(run("gc-a", NOW), "node-a", NOW, NOW.plus(LEASE)).orElseThrow();
        gcRuns.save(run("gc-a", NOW).finished(NOW.plusSeconds(1)), "node-a");
        assertThat(gcRuns.start(run("gc-b", NOW), "node-b", NOW.plusSeconds(2), NOW.plus(LEASE))).isPresent();

        // node-b crashed during gc-b and restarted: its own lease does not keep it out.
        assertThat(gcRuns.start(run("gc-c", NOW.plusSeconds(3)), "node-b", NOW.plusSeconds(3), NOW.plus(LEASE))).isPresent();
        assertThat(gcRuns.find("gc-b").orElseThrow().state()).isEqualTo(GcState.FAILED);
    }

    @Test
    void listsRunsNewestFirstWithTheirCount() {
        for (int i = 0; i < 3; i++) {
            Instant at = NOW.plusSeconds(i);
            gcRuns.start(run("gc-" + i, at), "node-a", at, at.plus(LEASE)).orElseThrow();
            gcRuns.save(run("gc-" + i, at).finished(at), "node-a");
        }

        var page = gcRuns.list(new PageRequest(1, 2, null));

        assertThat(page.count()).isEqualTo(3);
        assertThat(page.results()).extracting(GcRun::id).containsExactly("gc-2", "gc-1");
        assertThat(gcRuns.list(new PageRequest(2, 2, null)).results()).extracting(GcRun::id).containsExactly("gc-0");
    }
}
