package dev.berth.core.usage;

import dev.berth.core.digest.Digest;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.testing.InMemoryUsageStore;
import dev.berth.core.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

class UsageRecorderTest {
    private static final RepositoryName APP = RepositoryName.parse("acme/team/app");
    private static final Digest DIGEST = Digest.sha256Of("m".getBytes(StandardCharsets.UTF_8));
    /** The UTC day of {@link MutableClock#atSomeDay()}, 22:00, and the next. */
    private static final LocalDate DAY = LocalDate.parse("2026-05-30");
    private static final LocalDate NEXT_DAY = DAY.plusDays(1);

    private final MutableClock clock = MutableClock.atSomeDay();
    private final InMemoryUsageStore store = new InMemoryUsageStore();
    // Thread-safe: the concurrency test pulls from several threads, and any of them may start an early flush.
    private final List<Runnable> earlyFlushes = new CopyOnWriteArrayList<>();
    private final UsageRecorder recorder = new UsageRecorder(store, clock, earlyFlushes::add);

    @Test
    void writesNothingBeforeAFlush() {
        recorder.pulled(APP, DIGEST, "v1", 10, "bot");

        assertThat(store.pulls()).isEmpty();
        assertThat(store.events()).isEmpty();
    }

    @Test
    void forgetsWhatWaitsAboutADeletedRegistryAndKeepsTheRest() {
        RepositoryName other = RepositoryName.parse("beta/app");
        recorder.pulled(APP, DIGEST, "v1", 10, "bot");
        recorder.pushed(APP, "v1", DIGEST, 10, "admin");
        recorder.pulled(other, DIGEST, "v1", 10, "bot");

        recorder.forgetRegistry("acme");
        recorder.flush();

        assertThat(store.pulls()).extracting(PullRecord::repository).containsExactly(other);
        assertThat(store.events()).extracting(HistoryEvent::registry).containsExactly("beta");
    }

    @Test
    void writesEverythingCollectedInOneBatchPerKind() {
        recorder.pulled(APP, DIGEST, "v1", 10, "bot");
        recorder.pulled(APP, DIGEST, null, 10, "bot");
        recorder.pushed(APP, "v1", DIGEST, 10, "admin");

        recorder.flush();

        assertThat(store.batchSizes()).containsExactly(2, 3);
        assertThat(store.pulls()).extracting(PullRecord::tag).containsExactlyInAnyOrder("v1", null);
        assertThat(store.events()).extracting(HistoryEvent::action).containsExactly("pull", "pull", "push");
    }

    @Test
    void writesABacklogOfEventsInShortTransactionsInTheOrderTheyCame() {
        int perTransaction = UsageRecorder.EVENTS_PER_TRANSACTION;
        for (int i = 0; i < 2 * perTransaction + 5; i++) {
            recorder.pulled(APP, DIGEST, "v1", 1, "bot");
        }
        recorder.pushed(APP, "v2", DIGEST, 1, "admin");

        recorder.flush();

        assertThat(store.batchSizes()).containsExactly(1, perTransaction, perTransaction, 6);
        assertThat(store.events()).hasSize(2 * perTransaction + 6).last().extracting(HistoryEvent::action).isEqualTo("push");
    }

    @Test
    void eventsThatArriveWhileAFlushWritesWaitForTheNextFlush() {
        int queued = UsageRecorder.EVENTS_PER_TRANSACTION + 1;
        for (int i = 0; i < queued; i++) {
            recorder.pulled(APP, DIGEST, "v1", 1, "bot");
        }
        store.whileAppending = () -> recorder.pushed(APP, "v2", DIGEST, 1, "admin");

        recorder.flush();
        assertThat(store.events()).as("what was queued when the flush began").hasSize(queued);

        store.whileAppending = () -> { };
        recorder.flush();
        assertThat(store.events()).filteredOn(e -> e.action().equals("push")).hasSize(2);
    }

    @Test
    void aFailedTransactionOfABacklogKeepsItAndWhatCameAfterItForTheNextFlush() {
        int backlog = 2 * UsageRecorder.EVENTS_PER_TRANSACTION + 5;
        for (int i = 0; i < backlog; i++) {
            recorder.pulled(APP, DIGEST, "v1", 1, "bot");
        }
        store.failing = true;
        recorder.flush();
        store.failing = false;

        recorder.flush();

        assertThat(store.events()).hasSize(backlog);
        assertThat(recorder.droppedPullEvents()).isZero();
        for (int i = 0; i < UsageRecorder.MAX_PENDING_PULL_EVENTS; i++) {
            recorder.pulled(APP, DIGEST, "v1", 1, "bot");
        }
        assertThat(recorder.droppedPullEvents()).as("the backlog written is no longer counted as waiting").isZero();
    }

    @Test
    void keepsCountingPullsButStopsQueueingTheirHistoryPastTheCeilingUntilAFlushCatchesUp() {
        int ceiling = UsageRecorder.MAX_PENDING_PULL_EVENTS;
        for (int i = 0; i < ceiling + 5; i++) {
            recorder.pulled(APP, DIGEST, "v1", 1, "bot");
        }
        recorder.pushed(APP, "v2", DIGEST, 1, "admin");

        recorder.flush();
        recorder.pulled(APP, DIGEST, "v1", 1, "bot");
        recorder.flush();

        assertThat(store.pulls()).extracting(PullRecord::count).containsExactly((long) ceiling + 5, 1L);
        assertThat(store.events()).filteredOn(e -> e.action().equals("pull")).hasSize(ceiling + 1);
        assertThat(store.events()).filteredOn(e -> e.action().equals("push")).hasSize(1);
        assertThat(recorder.droppedPullEvents()).isEqualTo(5);
    }

    @Test
    void countsThePullsOfOneArtifactAndTagAsOneRecordWithTheLatestTime() {
        recorder.pulled(APP, DIGEST, "v1", 10, "bot");
        clock.advance(Duration.ofSeconds(3));
        Instant latest = clock.instant();
        recorder.pulled(APP, DIGEST, "v1", 10, "bot");
        recorder.pulled(APP, DIGEST, null, 10, "bot");

        recorder.flush();

        assertThat(store.pulls()).containsExactlyInAnyOrder(
                new PullRecord(APP, DIGEST, "v1", 2, latest),
                new PullRecord(APP, DIGEST, null, 1, latest));
        assertThat(store.events()).hasSize(3);
    }

    @Test
    void losesNoPullCountedWhileAFlushTakesTheTallies() throws Exception {
        int threads = 4;
        int perThread = 20_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> pulling = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                pulling.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        recorder.pulled(APP, DIGEST, "v1", 1, "bot");
                    }
                }));
            }
            while (!pulling.stream().allMatch(Future::isDone)) {
                recorder.flush();
            }
            for (Future<?> f : pulling) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        recorder.flush();

        assertThat(store.pulls().stream().mapToLong(PullRecord::count).sum()).isEqualTo((long) threads * perThread);
    }

    @Test
    void startsAFlushWhenPullEventsPileUpAndAgainAfterTheyPileUpAgain() {
        for (int i = 0; i < UsageRecorder.FLUSH_EARLY_AT - 1; i++) {
            recorder.pulled(APP, DIGEST, "v1", 1, "bot");
        }
        assertThat(earlyFlushes).isEmpty();

        recorder.pulled(APP, DIGEST, "v1", 1, "bot");
        recorder.pulled(APP, DIGEST, "v1", 1, "bot");
        assertThat(earlyFlushes).hasSize(1);
        earlyFlushes.get(0).run();
        assertThat(store.events()).hasSize(UsageRecorder.FLUSH_EARLY_AT + 1);

        for (int i = 0; i < UsageRecorder.FLUSH_EARLY_AT; i++) {
            recorder.pulled(APP, DIGEST, "v1", 1, "bot");
        }
        assertThat(earlyFlushes).hasSize(2);
    }

    @Test
    void describesAnEventRelativeToItsRegistry() {
        recorder.pushed(APP, "v1", DIGEST, 42, "admin");
        recorder.flush();

        assertThat(store.events()).singleElement().isEqualTo(
                new HistoryEvent(clock.instant(), "acme", "push", "team/app", "v1", DIGEST.value(), 42, "admin"));
    }

    @Test
    void namesAPullByDigestByItsDigest() {
        recorder.pulled(APP, DIGEST, null, 1, "anonymous");
        recorder.flush();

        assertThat(store.events()).singleElement().extracting(HistoryEvent::reference).isEqualTo(DIGEST.value());
    }

    @Test
    void recordsARepositoryDeletionWithoutDigest() {
        recorder.deleted(APP, null, null, 0, "admin");
        recorder.flush();

        assertThat(store.events()).singleElement().satisfies(e -> {
            assertThat(e.action()).isEqualTo("delete");
            assertThat(e.digest()).isNull();
        });
    }

    @Test
    void keepsAFailedBatchForTheNextFlush() {
        recorder.pulled(APP, DIGEST, "v1", 10, "bot");
        store.failing = true;

        recorder.flush();
        assertThat(store.pulls()).isEmpty();

        recorder.pulled(APP, DIGEST, "v1", 10, "bot");
        recorder.pushed(APP, "v2", DIGEST, 10, "admin");
        store.failing = false;
        recorder.flush();

        assertThat(store.pulls()).extracting(PullRecord::count).containsExactly(2L);
        assertThat(store.events()).extracting(HistoryEvent::reference).containsExactlyInAnyOrder("v1", "v1", "v2");
    }

    @Test
    void writesEachRecordOnce() {
        recorder.pulled(APP, DIGEST, "v1", 10, "bot");
        recorder.flush();
        recorder.flush();

        assertThat(store.pulls()).hasSize(1);
        assertThat(store.events()).hasSize(1);
        assertThat(store.batchSizes()).containsExactly(1, 1);
    }

    @Test
    void aFlushWithNothingCollectedWritesNothing() {
        recorder.flush();

        assertThat(store.batchSizes()).isEqualTo(List.of());
    }

    // ---- daily usage

    @Test
    void talliesUploadedBytesPerRegistryAndUtcDayAndWritesThemInTheFlush() {
        RepositoryName other = RepositoryName.parse("beta/app");
        recorder.uploaded(APP, 100);
        recorder.uploaded(RepositoryName.parse("acme/web"), 20);
        recorder.uploaded(other, 7);
        clock.advance(Duration.ofHours(2)); // 00:00 of the next day
        recorder.uploaded(APP, 3);

        assertThat(store.days("acme")).isEmpty();
        recorder.flush();

        assertThat(store.days("acme")).containsExactly(new DailyUsage(DAY, null, 0, 0, 120),
                new DailyUsage(NEXT_DAY, null, 0, 0, 3));
        assertThat(store.days("beta")).containsExactly(new DailyUsage(DAY, null, 0, 0, 7));
        recorder.flush();
        assertThat(store.days("acme")).extracting(DailyUsage::bytesPushed).containsExactly(120L, 3L);
    }

    @Test
    void addsFailedUploadedBytesBackForTheNextFlush() {
        recorder.uploaded(APP, 100);
        store.failing = true;

        recorder.flush();
        recorder.uploaded(APP, 5);
        store.failing = false;
        recorder.flush();

        assertThat(store.days("acme")).containsExactly(new DailyUsage(DAY, null, 0, 0, 105));
    }

    @Test
    void forgetsTheUploadedBytesOfADeletedRegistry() {
        recorder.uploaded(APP, 100);
        recorder.uploaded(RepositoryName.parse("beta/app"), 7);

        recorder.forgetRegistry("acme");
        recorder.flush();

        assertThat(store.days("acme")).isEmpty();
        assertThat(store.days("beta")).extracting(DailyUsage::bytesPushed).containsExactly(7L);
    }

    @Test
    void keepsATallyOfPullsPerUtcDaySoThatEachDayCountsItsOwn() {
        recorder.pulled(APP, DIGEST, "v1", 10, "bot");
        recorder.pulled(APP, DIGEST, "v1", 10, "bot");
        clock.advance(Duration.ofHours(2));
        Instant afterMidnight = clock.instant();
        recorder.pulled(APP, DIGEST, "v1", 10, "bot");

        recorder.flush();

        assertThat(store.pulls()).containsExactlyInAnyOrder(
                new PullRecord(APP, DIGEST, "v1", 2, afterMidnight.minus(Duration.ofHours(2))),
                new PullRecord(APP, DIGEST, "v1", 1, afterMidnight));
        assertThat(store.days("acme")).extracting(DailyUsage::day, DailyUsage::pulls)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(DAY, 2L), org.assertj.core.groups.Tuple.tuple(NEXT_DAY, 1L));
    }

    @Test
    void countsPullsPastTheHistoryCeilingInTheDay() {
        for (int i = 0; i < UsageRecorder.MAX_PENDING_PULL_EVENTS + 5; i++) {
            recorder.pulled(APP, DIGEST, "v1", 1, "bot");
        }
        recorder.flush();

        assertThat(store.days("acme")).extracting(DailyUsage::pulls)
                .containsExactly((long) UsageRecorder.MAX_PENDING_PULL_EVENTS + 5);
    }

    @Test
    void samplesStorageOnTheFirstFlushThenAtMostOnceAMinute() {
        recorder.flush();
        assertThat(store.sampledDays()).containsExactly(DAY);

        clock.advance(Duration.ofSeconds(59));
        recorder.flush();
        assertThat(store.sampledDays()).hasSize(1);

        clock.advance(Duration.ofSeconds(1));
        recorder.flush();
        clock.advance(Duration.ofHours(2));
        recorder.flush();
        assertThat(store.sampledDays()).containsExactly(DAY, DAY, NEXT_DAY);
    }

    @Test
    void samplesAgainOnTheNextFlushAfterAFailedSample() {
        store.failing = true;
        recorder.flush();
        store.failing = false;
        clock.advance(Duration.ofSeconds(1));

        recorder.flush();

        assertThat(store.sampledDays()).containsExactly(DAY);
    }
}
