package dev.berth.core.gc;

import dev.berth.core.blob.BlobStore;
import dev.berth.core.blob.StoredBlobFile;
import dev.berth.core.digest.Digest;
import dev.berth.core.error.RegistryException;
import dev.berth.core.listing.Listing;
import dev.berth.core.listing.PageRequest;
import dev.berth.core.metadata.RepositoryStore;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.registry.RegistryService;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Runs collections: online, while pushes, pulls and deletes go on, on one node of a cluster at a time.
 *
 * <p>A run has these steps, each in small transactions so that it holds no lock for long and can stop anywhere:
 * <ol>
 *   <li>when asked, the untagged manifests that nothing keeps, repository by repository
 *       ({@link GarbageStore#deleteUntagged}); the blobs only they used become candidates;</li>
 *   <li>candidates unlinked before the grace period are removed, in batches, under their locks
 *       ({@link GarbageStore#collect}), each batch's files on a few threads ({@link ParallelFileRemoval}), gently
 *       while pushes go on ({@link RemovalPace});</li>
 *   <li>stored files that nothing accounts for, last written before the grace period, become candidates
 *       ({@link GarbageStore#recordOrphans}), and are removed like the others;</li>
 *   <li>upload sessions past their expiry are removed.</li>
 * </ol>
 * A dry run counts what each step would free and changes nothing. A run that stops half-way (a failure, a crash)
 * leaves everything consistent: every batch is a transaction, and a removed file whose candidate is still
 * recorded is removed again, harmlessly, by the next run.
 */
public final class GarbageCollector {
    private static final System.Logger LOG = System.getLogger(GarbageCollector.class.getName());
    /** How long a node holds the lease without renewing it; a run renews it between batches. */
    static final Duration LEASE = Duration.ofMinutes(1);
    /**
     * How often, at most, a run saves its counts and renews its lease between batches (and once after its first):
     * each save is two writing transactions, which a run of short batches under pushes made eight times a second.
     */
    static final long PROGRESS_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final int BATCH = 1000;
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final GarbageStore garbage;
    private final GcRunStore runs;
    private final BlobStore blobs;
    private final RepositoryStore repositories;
    private final RegistryService registry;
    private final Duration grace;
    private final RemovalPace pace;
    private final String node;
    private final Executor background;
    private final Clock clock;
    private final AtomicBoolean running = new AtomicBoolean();
    private final SecureRandom random = new SecureRandom();
    private volatile Consumer<GcRun> finished = run -> { };
    /** When the current run last saved its progress ({@link System#nanoTime}); set by {@link #begin}. */
    private volatile long progressSavedAt;

    /**
     * @param registry expires upload sessions (and gives their quota reservations back)
     * @param grace how long a blob stays after its last link went, and an untagged manifest after its push
     * @param pace how hard a run removes files while pushes go on
     * @param node this node's name in the lease, stable across its restarts
     * @param background runs the collections {@link #start} starts
     */
    public GarbageCollector(GarbageStore garbage, GcRunStore runs, BlobStore blobs, RepositoryStore repositories,
                            RegistryService registry, Duration grace, RemovalPace pace, String node, Executor background,
                            Clock clock) {
        this.garbage = garbage;
        this.runs = runs;
        this.blobs = blobs;
        this.repositories = repositories;
        this.registry = registry;
        this.grace = grace;
        this.pace = pace;
        this.node = node;
        this.background = background;
        this.clock = clock;
    }

    /** Sets the one listener told of every run that ends, done or failed (the metrics). */
    public void whenFinished(Consumer<GcRun> listener) {
        finished = listener;
    }

    /**
     * Starts a run in the background and returns it as started; {@code GC_RUNNING} (a conflict) when a run is
     * going, on this node or another.
     */
    public GcRun start(GcRequest request) {
        GcRun run = begin(request);
        try {
            background.execute(() -> complete(run));
        } catch (RuntimeException refused) {
            end(run.failed(clock.instant(), "not started: " + refused.getMessage()));
            throw refused;
        }
        return run;
    }

    /** Runs a collection on this thread and returns it finished; {@code GC_RUNNING} when one is going. */
    public GcRun run(GcRequest request) {
        return complete(begin(request));
    }

    /**
     * Runs a scheduled collection on this thread when none started, on any node, within {@code interval}; empty
     * when it was not this node's turn (one ran recently, or one is going).
     */
    public Optional<GcRun> runIfDue(Duration interval) {
        Optional<Instant> last = runs.lastStarted();
        if (last.isPresent() && last.get().isAfter(clock.instant().minus(interval))) {
            return Optional.empty();
        }
        try {
            return Optional.of(run(GcRequest.SCHEDULED));
        } catch (RegistryException busy) {
            return Optional.empty();
        }
    }

    public Optional<GcRun> find(String id) {
        return runs.find(id);
    }

    public Listing<GcRun> list(PageRequest page) {
        return runs.list(page);
    }

    /** How many blobs wait for collection, due or not. */
    public long candidates() {
        return garbage.candidates();
    }

    private GcRun begin(GcRequest request) {
        if (!running.compareAndSet(false, true)) {
            throw busy();
        }
        Instant now = clock.instant();
        GcRun run = GcRun.started(newId(now), request, now);
        progressSavedAt = System.nanoTime() - PROGRESS_EVERY_NANOS;
        try {
            return runs.start(run, node, now, now.plus(LEASE)).orElseThrow(GarbageCollector::busy);
        } catch (RuntimeException e) {
            running.set(false);
            throw e;
        }
    }

    private GcRun complete(GcRun started) {
        try {
            GcRun run = started;
            try {
                Instant cutoff = clock.instant().minus(grace);
                if (run.untagged()) {
                    run = deleteUntagged(run, cutoff);
                }
                run = collectBlobs(run, cutoff);
                // After the candidates are gone, so that the search walks only what is left.
                run = recordOrphans(run, cutoff);
                if (!run.dryRun()) {
                    run = collectBlobs(run, cutoff);
                }
                run = expireUploads(run);
                removeStrays(run);
                run = run.finished(clock.instant());
            } catch (RuntimeException | IOException e) {
                LOG.log(System.Logger.Level.WARNING, "garbage collection " + run.id() + " failed", e);
                run = run.failed(clock.instant(), e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            }
            // A run stopped by the server's shutdown still records its end: without the interrupt, which would
            // otherwise cut the store's I/O short, and with it again afterwards.
            boolean interrupted = Thread.interrupted();
            try {
                end(run);
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            return run;
        } finally {
            // Only once the end is recorded (a run started earlier would take this one for a crashed one), and
            // after an Error too: the next run must not find this one still going on this node.
            running.set(false);
        }
    }

    /** Records how the run ended, giving the lease back, and tells the listener. */
    private void end(GcRun run) {
        try {
            runs.save(run, node);
        } finally {
            finished.accept(run);
        }
    }

    private GcRun deleteUntagged(GcRun run, Instant cutoff) {
        String last = null;
        for (List<RepositoryName> page; !(page = repositories.listRepositories(last, BATCH)).isEmpty(); ) {
            for (RepositoryName repository : page) {
                run = run.withManifests(garbage.deleteUntagged(repository, cutoff, run.dryRun()));
                progress(run);
            }
            last = page.get(page.size() - 1).value();
        }
        return run;
    }

    /** Files nothing accounts for, last written before the cut-off, become candidates (counted, in a dry run). */
    private GcRun recordOrphans(GcRun run, Instant cutoff) throws IOException {
        OrphanSearch search = new OrphanSearch(run);
        try {
            blobs.forEach(file -> {
                if (file.modified().isBefore(cutoff)) {
                    search.add(file);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return search.finish();
    }

    /**
     * The blob store's files, looked up in the metadata a batch at a time: those it has no record of are
     * recorded as candidates, or only counted in a dry run.
     */
    private final class OrphanSearch {
        private final Map<Digest, StoredBlobFile> batch = new HashMap<>();
        private final GcRun run;
        private long orphans;
        private long orphanBytes;

        OrphanSearch(GcRun run) {
            this.run = run;
        }

        void add(StoredBlobFile file) {
            batch.put(file.digest(), file);
            if (batch.size() >= BATCH) {
                lookUp();
            }
        }

        GcRun finish() {
            lookUp();
            return run.dryRun() ? run.withBlobs(orphans, orphanBytes) : run;
        }

        private void lookUp() {
            if (batch.isEmpty()) {
                return;
            }
            List<StoredBlobFile> found = new ArrayList<>();
            for (Digest digest : garbage.unrecorded(batch.keySet())) {
                found.add(batch.get(digest));
            }
            batch.clear();
            if (run.dryRun()) {
                orphans += found.size();
                orphanBytes += found.stream().mapToLong(StoredBlobFile::size).sum();
            } else if (!found.isEmpty()) {
                garbage.recordOrphans(found);
            }
            progress(run);
        }
    }

    private GcRun collectBlobs(GcRun run, Instant cutoff) {
        if (run.dryRun()) {
            GarbageStore.Due due = garbage.countDue(cutoff);
            return run.withBlobs(due.blobs(), due.bytes());
        }
        try (ParallelFileRemoval removal = new ParallelFileRemoval(blobs, pace)) {
            for (long started = System.nanoTime(); ; started = System.nanoTime()) {
                GarbageStore.Collected batch = garbage.collect(cutoff, pace.batchSize(), removal);
                if (batch.examined() == 0) {
                    break;
                }
                run = run.withBlobs(batch.freed(), batch.bytesFreed());
                pace.after(batch.freed(), System.nanoTime() - started);
                progress(run);
            }
        }
        return run;
    }

    private void removeStrays(GcRun run) throws IOException {
        if (!run.dryRun()) {
            int removed = blobs.removeStrays(clock.instant());
            if (removed > 0) {
                LOG.log(System.Logger.Level.INFO, "garbage collection " + run.id() + " removed " + removed
                        + " stray object(s) of uploads a crash left unrecorded");
            }
        }
    }

    private GcRun expireUploads(GcRun run) {
        return run.withUploads(run.dryRun() ? registry.countExpiredUploads() : registry.expireUploads());
    }

    /**
     * Stops the run when the server is stopping (its thread interrupted), between two batches rather than in one;
     * at most every {@link #PROGRESS_EVERY_NANOS}, saves the run's counts so far and renews the lease, and stops
     * the run when the lease was lost.
     */
    private void progress(GcRun run) {
        if (Thread.currentThread().isInterrupted()) {
            throw new IllegalStateException("stopped: the server is shutting down");
        }
        long now = System.nanoTime();
        if (now - progressSavedAt < PROGRESS_EVERY_NANOS) {
            return;
        }
        progressSavedAt = now;
        if (!runs.renew(node, run.id(), clock.instant().plus(LEASE))) {
            throw new IllegalStateException("this node lost the collection lease (a pause longer than "
                    + LEASE.toSeconds() + " s); another node may collect now");
        }
        runs.save(run, node);
    }

    private String newId(Instant now) {
        byte[] suffix = new byte[3];
        random.nextBytes(suffix);
        return "gc-" + ID_TIME.format(now) + "-" + HexFormat.of().formatHex(suffix);
    }

    private static RegistryException busy() {
        return RegistryException.conflict("GC_RUNNING", "a garbage collection is running; wait for it to finish");
    }
}
