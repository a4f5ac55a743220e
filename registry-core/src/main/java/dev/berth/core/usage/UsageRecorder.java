package dev.berth.core.usage;

import dev.berth.core.digest.Digest;
import dev.berth.core.name.RepositoryName;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Collects pull counts and history events off the request path and writes them in batches. The server
 * calls {@link #flush()} every second and once more when it stops, so nothing recorded is lost by a
 * clean shutdown and everything is visible within seconds; when {@value #FLUSH_EARLY_AT} pull events
 * wait, a flush starts at once on the executor given for it.
 *
 * <p>Pulls are counted as they come, one tally per artifact and tag: what waits for the next flush grows
 * with the number of artifacts pulled, not with the number of pulls (a queue of one record per pull held
 * hundreds of thousands of objects under a flood of cached pulls, and the collector spent its pauses
 * copying them).
 *
 * <p>Pull history has a ceiling. Every manifest {@code GET} is a history row, and the store writes rows
 * more slowly than the event loops serve cached pulls (8-10 µs of CPU a row, about 70,000 a second on a
 * core of its own, against well over 100,000 pulls a second): under a sustained flood the backlog would grow until the heap is spent on it. So at most
 * {@value #MAX_PENDING_PULL_EVENTS} pull events wait at a time, about a third of a second of writing;
 * pulls beyond that are counted (pull counters and {@code pulled_at} are never dropped) but get no history
 * row, and {@link #droppedPullEvents()} and a warning per flush say how many. Push and delete events are
 * always kept. With the early flush, events are dropped only while pulls outrun the store; the ceiling
 * is low because whatever waits is copied by every young collection (with 100,000 waiting, the pauses
 * took 13-16 ms; with 20,000, 11-13 ms and a third more pulls served).
 *
 * <p>Daily usage ({@link DailyUsage}) costs the request path no write either. A day's {@code pulls} and
 * {@code pushes} are added by the store in the transactions that write the pull tallies and the history (pulls
 * from the tallies, so that pulls past the history ceiling are counted too; a tally is kept per UTC day for that);
 * {@code bytes_pushed} is tallied here per registry and day by {@link #uploaded} and written by the flush, a failed
 * write added back for the next one, as pull tallies are. The registries' {@code storage_used_bytes} is sampled
 * into today's rows by the first flush and then by a flush at most every {@link #STORAGE_SAMPLE_EVERY}: reading it
 * once a minute for every registry is cheap, and a past day's usage is then the usage at most a minute before
 * its end (while a server runs: a day with no server running keeps the last sample before it).
 */
public final class UsageRecorder {
    private static final System.Logger LOG = System.getLogger(UsageRecorder.class.getName());
    static final int MAX_PENDING_PULL_EVENTS = 20_000;
    static final int FLUSH_EARLY_AT = 5_000;
    static final int EVENTS_PER_TRANSACTION = 1_000;
    /** How often at most the flush samples the registries' storage usage into the day's rows. */
    static final Duration STORAGE_SAMPLE_EVERY = Duration.ofMinutes(1);
    private static final long SECONDS_PER_DAY = 86_400;

    private final UsageStore store;
    private final Clock clock;
    private final Executor earlyFlush;
    private final ConcurrentHashMap<PullKey, PullTally> pulls = new ConcurrentHashMap<>();
    private final Queue<HistoryEvent> events = new ConcurrentLinkedQueue<>();
    /** Bytes uploaded per registry and UTC day, waiting for the next flush. */
    private final ConcurrentHashMap<DayKey, Long> uploadedBytes = new ConcurrentHashMap<>();
    private final AtomicInteger pendingPullEvents = new AtomicInteger();
    private final LongAdder droppedPullEvents = new LongAdder();
    private long droppedReported;
    /** When the storage usage was last sampled; null before the first sample. Guarded by this. */
    private Instant lastStorageSample;

    /** @param earlyFlush runs the flush that starts when pull events pile up before the next scheduled one */
    public UsageRecorder(UsageStore store, Clock clock, Executor earlyFlush) {
        this.store = store;
        this.clock = clock;
        this.earlyFlush = earlyFlush;
    }

    /** A manifest was fetched (GET, not HEAD); {@code tag} is null when fetched by digest. */
    public void pulled(RepositoryName repository, Digest digest, String tag, long bytes, String actor) {
        Instant now = clock.instant();
        count(new PullKey(repository, digest, tag, epochDay(now)), 1, now);
        int pending = pendingPullEvents.incrementAndGet();
        if (pending > MAX_PENDING_PULL_EVENTS) {
            pendingPullEvents.decrementAndGet();
            droppedPullEvents.increment();
            return;
        }
        event(now, "pull", repository, tag != null ? tag : digest.value(), digest, bytes, actor);
        // The count rises one at a time, so exactly one pull sees each crossing of the mark.
        if (pending == FLUSH_EARLY_AT) {
            try {
                earlyFlush.execute(this::flush);
            } catch (RejectedExecutionException stopping) {
                // the server is stopping, and its last flush writes what waits
            }
        }
    }

    /**
     * Adds to the key's tally. The tally changes only inside the map's atomic {@code compute}, and a flush
     * takes it out with {@code remove}: a pull lands either in the tally a flush takes or in a new one.
     */
    private void count(PullKey key, long pulls, Instant latest) {
        this.pulls.compute(key, (k, tally) -> (tally == null ? new PullTally() : tally).add(pulls, latest));
    }

    /** The UTC day of an instant, as days since 1970-01-01: a division, where a request counts it. */
    private static long epochDay(Instant instant) {
        return Math.floorDiv(instant.getEpochSecond(), SECONDS_PER_DAY);
    }

    /** Pull events that got no history row because the backlog was full, since the server started. */
    public long droppedPullEvents() {
        return droppedPullEvents.sum();
    }

    public void pushed(RepositoryName repository, String reference, Digest digest, long bytes, String actor) {
        event(clock.instant(), "push", repository, reference, digest, bytes, actor);
    }

    /**
     * An upload of {@code bytes} into the repository completed: a blob's (its upload session committed and linked)
     * or a manifest's (its {@code PUT} stored and linked), whether or not the registry had the same bytes already.
     * A cross-repository mount uploads nothing and is not counted. Only tallied here, for the next flush.
     */
    public void uploaded(RepositoryName repository, long bytes) {
        uploadedBytes.merge(new DayKey(repository.registry(), epochDay(clock.instant())), bytes, Long::sum);
    }

    /** An artifact, a tag or (with a null digest and reference) a repository was removed. */
    public void deleted(RepositoryName repository, String reference, Digest digest, long bytes, String actor) {
        event(clock.instant(), "delete", repository, reference, digest, bytes, actor);
    }

    private void event(Instant time, String action, RepositoryName repository, String reference, Digest digest, long bytes,
                       String actor) {
        String name = repository.value();
        String registry = repository.registry();
        String inRegistry = name.length() > registry.length() ? name.substring(registry.length() + 1) : name;
        events.add(new HistoryEvent(time, registry, action, inRegistry, reference,
                digest == null ? null : digest.value(), bytes, actor));
    }

    /**
     * Drops what waits to be written about a registry that was just deleted, so that a registry created
     * again under its name starts with no history and no pull counts of the old one. Waits for a flush in
     * progress; what that flush takes of the registry is written against no registry and skipped.
     */
    public synchronized void forgetRegistry(String registry) {
        pulls.keySet().removeIf(key -> key.repository().registry().equals(registry));
        uploadedBytes.keySet().removeIf(key -> key.registry().equals(registry));
        int pullEvents = 0;
        for (var it = events.iterator(); it.hasNext(); ) {
            HistoryEvent event = it.next();
            if (event.registry().equals(registry)) {
                it.remove();
                pullEvents += event.action().equals("pull") ? 1 : 0;
            }
        }
        pendingPullEvents.addAndGet(-pullEvents);
    }

    /** Writes everything collected so far. */
    public synchronized void flush() {
        writePulls();
        writeEvents();
        writeUploadedBytes();
        sampleStorageWhenDue();
        long dropped = droppedPullEvents.sum();
        if (dropped > droppedReported) {
            LOG.log(System.Logger.Level.WARNING, (dropped - droppedReported) + " pull(s) got no history event: "
                    + "more pulls than the store writes history rows for (pull counts are kept)");
            droppedReported = dropped;
        }
    }

    /** Writes the tallies taken out of the map; a failed batch is counted again, for the next flush. */
    private void writePulls() {
        List<PullRecord> batch = new ArrayList<>();
        for (PullKey key : pulls.keySet()) {
            PullTally tally = pulls.remove(key);
            if (tally != null) {
                // The tally's pulls all happened on its key's day, and so on the day of its latest.
                batch.add(new PullRecord(key.repository(), key.digest(), key.tag(), tally.count(), tally.latest()));
            }
        }
        if (batch.isEmpty()) {
            return;
        }
        try {
            store.recordPulls(batch);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "writing pull counts failed; will retry", e);
            for (PullRecord record : batch) {
                count(new PullKey(record.repository(), record.digest(), record.tag(), epochDay(record.latest())),
                        record.count(), record.latest());
            }
        }
    }

    /**
     * Writes the events queued when the flush began, {@value #EVENTS_PER_TRANSACTION} to a transaction; a failed
     * batch goes back to be retried by the next flush, with what was queued behind it. Events that arrive meanwhile
     * wait for the next flush, so that under a flood one flush does not run on and hold up the tallies behind it.
     *
     * <p>Short transactions keep the heap small under a flood of pulls: a batch's events and the rows its
     * transaction holds until it commits live across several young collections, and were promoted by the
     * megabyte when one transaction took the whole backlog, which made full collections of a small heap frequent.
     */
    private void writeEvents() {
        int left = events.size();
        while (left > 0) {
            List<HistoryEvent> batch = new ArrayList<>();
            HistoryEvent event;
            while (batch.size() < Math.min(left, EVENTS_PER_TRANSACTION) && (event = events.poll()) != null) {
                batch.add(event);
            }
            if (batch.isEmpty() || !written(batch)) {
                return;
            }
            left -= batch.size();
        }
    }

    /** Writes a batch of events; false, with the batch queued again, when the store failed. */
    private boolean written(List<HistoryEvent> batch) {
        try {
            store.appendHistory(batch);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "writing history failed; will retry", e);
            events.addAll(batch);
            return false;
        }
        pendingPullEvents.addAndGet(-(int) batch.stream().filter(e -> e.action().equals("pull")).count());
        return true;
    }

    /** Writes the uploaded-bytes tallies taken out of the map; a failed batch is added again, for the next flush. */
    private void writeUploadedBytes() {
        List<UploadedBytes> batch = new ArrayList<>();
        for (DayKey key : uploadedBytes.keySet()) {
            Long bytes = uploadedBytes.remove(key);
            if (bytes != null) {
                batch.add(new UploadedBytes(key.registry(), LocalDate.ofEpochDay(key.epochDay()), bytes));
            }
        }
        if (batch.isEmpty()) {
            return;
        }
        try {
            store.addUploadedBytes(batch);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "writing uploaded bytes failed; will retry", e);
            for (UploadedBytes upload : batch) {
                uploadedBytes.merge(new DayKey(upload.registry(), upload.day().toEpochDay()), upload.bytes(), Long::sum);
            }
        }
    }

    /** Samples the registries' storage usage into today's rows on the first flush, then at most once a minute. */
    private void sampleStorageWhenDue() {
        Instant now = clock.instant();
        if (lastStorageSample != null && now.isBefore(lastStorageSample.plus(STORAGE_SAMPLE_EVERY))) {
            return;
        }
        try {
            store.sampleStorage(LocalDate.ofInstant(now, ZoneOffset.UTC));
            lastStorageSample = now;
        } catch (RuntimeException e) {
            // Due still: the next flush tries again.
            LOG.log(System.Logger.Level.WARNING, "sampling the registries' storage usage failed; will retry", e);
        }
    }

    /**
     * What a pull is counted under: the artifact, the tag it was pulled through (null: by digest), and the UTC day
     * (days since the epoch), so that a tally's pulls all belong to one day's count.
     */
    private record PullKey(RepositoryName repository, Digest digest, String tag, long epochDay) {
    }

    /** A registry's UTC day, as days since the epoch. */
    private record DayKey(String registry, long epochDay) {
    }
}
