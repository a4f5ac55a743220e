package dev.berth.storage.meta;

import dev.berth.core.thread.NamedDaemonThreads;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The housekeeping of the embedded database's file, once a second: it forces what H2 has written to the disk, and
 * rewrites the live pages of sparse chunks into new ones so that the old chunks can be reused.
 *
 * <p>Why Berth does it: every commit is in the file before its writer returns, written by
 * {@link EmbeddedGroupFlush} in chunks of one or a few commits each, and H2's own background writer, the only
 * place MVStore compacts, is kept asleep. Measured when each commit was a chunk of its own (benchmarks/README.md,
 * "Metadata file"): 96,000 small uploads left a 2.7 GB file in 20,637 chunks 3% live; every commit also carried the
 * metadata of all those chunks, and the file only grew. The two causes and what this class does about each:
 * <ul>
 * <li>Dead chunks are kept for the retention time (H2's default 45 s) before their space is reused: at several
 * hundred commits a second that alone is a gigabyte. H2 keeps them so long because it assumes the file system writes
 * back its buffers within that time; Berth forces the file to the disk every second here, so the database is opened
 * with a retention of {@link #RETENTION_MILLIS}, several times that interval. (That force is also what bounds the
 * metadata lost by a machine that loses power to about a second; a killed process loses none of it.)
 * <li>A chunk stays as long as any of its pages is live, and most chunks keep one or two leaf pages that no later
 * commit rewrote. {@link MVStore#compact} rewrites the live pages of the emptiest chunks older than the retention
 * time once the chunks are on average less than {@link #FILL_TARGET}% live, which H2's background writer does in
 * small steps while the store is busy. Here each step is at most {@link #REWRITE_BYTES} of live pages, and this
 * thread commits it itself, so that no request waits for a step's chunk, which is larger than a request's. (Every
 * chunk is written by H2's own save thread, which a write delay starts: the JDK keeps a direct-memory copy of the
 * largest buffer each thread has written to a file, and when requests' threads wrote chunks, one copy each ran a
 * load run out of its direct-memory budget and H2 closed the store.)
 * </ul>
 * Both take MVStore's own locks, as its background writer does; a commit waits for a step a few milliseconds at
 * most. The store is looked up on each round: when H2 closes a store after an error, the pool opens it again.
 */
final class EmbeddedStoreUpkeep implements AutoCloseable {
    static final Duration PERIOD = Duration.ofSeconds(1);
    /** How long H2 keeps a chunk that nothing uses before reusing its space: five forces of the file. */
    static final int RETENTION_MILLIS = 5_000;
    static final int FILL_TARGET = 50;
    static final int REWRITE_BYTES = 256 << 10;
    /** A round's steps stop after this long, a twentieth of the period, so that commits are held up little. */
    static final Duration STEPS_TIME = Duration.ofMillis(50);
    private static final System.Logger LOG = System.getLogger(EmbeddedStoreUpkeep.class.getName());

    private final DataSource pool;
    private final ScheduledExecutorService timer;

    private EmbeddedStoreUpkeep(DataSource pool, ScheduledExecutorService timer) {
        this.pool = pool;
        this.timer = timer;
    }

    /** Upkeep of the store behind {@code pool}, a round every {@code period} from now on until {@link #close}. */
    static EmbeddedStoreUpkeep start(DataSource pool, Duration period) {
        EmbeddedStoreUpkeep upkeep = new EmbeddedStoreUpkeep(pool,
                Executors.newSingleThreadScheduledExecutor(new NamedDaemonThreads("berth-metadata-upkeep")));
        upkeep.timer.scheduleWithFixedDelay(upkeep::runLogged, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        return upkeep;
    }

    /** The MVStore under the embedded H2 database that {@code c} is connected to; JDBC does not expose it. */
    static MVStore storeOf(Connection c) throws SQLException {
        return ((SessionLocal) c.unwrap(JdbcConnection.class).getSession()).getDatabase().getStore().getMvStore();
    }

    private MVStore store() {
        try (Connection c = pool.getConnection()) {
            return storeOf(c);
        } catch (SQLException e) {
            throw new MetadataStoreException("metadata store: " + e.getMessage(), e);
        }
    }

    /**
     * One round: the file forced to the disk, then steps of rewriting sparse chunks while there are some and
     * {@link #STEPS_TIME} lasts; how many steps rewrote pages.
     */
    int run() {
        MVStore store = store();
        store.sync();
        long end = System.nanoTime() + STEPS_TIME.toNanos();
        int steps = 0;
        while (System.nanoTime() - end < 0 && store.compact(FILL_TARGET, REWRITE_BYTES)) {
            store.commit();
            steps++;
        }
        return steps;
    }

    private void runLogged() {
        try {
            run();
        } catch (RuntimeException e) {
            // The next round tries again; the database itself is unaffected by a round that failed.
            LOG.log(System.Logger.Level.WARNING, "metadata file upkeep failed: " + e, e);
        }
    }

    /**
     * Stops the rounds, waiting for one under way; the database is closed after this. Not by interrupting it: an
     * interrupt during the force would close H2's file channel under it.
     */
    @Override
    public void close() {
        timer.shutdown();
        try {
            timer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
