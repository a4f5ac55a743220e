import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.jdbcx.JdbcConnectionPool;
import org.h2.mvstore.MVStore;

import java.lang.reflect.Field;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Does H2 lose committed updates of a row when transactions that locked it roll back while another thread
 * writes MVStore chunks (MVStore.commit(), as Berth's EmbeddedGroupFlush and EmbeddedStoreUpkeep do)?
 *
 * <p>Each transaction locks one of two counter rows (SELECT ... FOR UPDATE, as Berth locks a registry's row), writes
 * another table, then either adds 1 to the counter and commits, or, with {@code -Drollbacks=true}, rolls back a
 * third of the time. With {@code -DstoreCommits=true} a thread calls MVStore.commit() every millisecond. At the
 * end each counter must equal the increments committed to it. With {@code -DstoreLockedRollbacks=true} each rollback
 * holds MVStore's store lock, as Berth's EmbeddedRollback does, so that no chunk is written while it runs.
 *
 * <p>Why updates are lost: H2 rolls back one undo record at a time, each an operation on the transaction's undo log
 * whose decision restores the row. A chunk written meanwhile by another thread changes the undo log's root, the
 * operation's compare-and-set fails, and H2 runs the decision, and the restore, again; a commit made to the row
 * between the two restores is undone.
 *
 * <pre>java -cp h2-2.3.232.jar -DstoreCommits=true -Drollbacks=true LostUpdate.java DIR [THREADS] [SECONDS]</pre>
 */
public class LostUpdate {
    public static void main(String[] args) throws Exception {
        String dir = args[0];
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        long seconds = args.length > 2 ? Long.parseLong(args[2]) : 20;
        boolean rollbacks = Boolean.getBoolean("rollbacks");
        boolean storeCommits = Boolean.getBoolean("storeCommits");
        boolean storeLockedRollbacks = Boolean.getBoolean("storeLockedRollbacks");
        // The settings of Berth's Database.open that matter here: H2 writes no chunk itself (WRITE_DELAY at its
        // maximum), row locks wait, and results are not reused (h2database#4208).
        String url = "jdbc:h2:file:" + dir + "/lost-update-" + System.nanoTime() + ";WRITE_DELAY=" + Integer.MAX_VALUE
                + ";LOCK_TIMEOUT=10000;OPTIMIZE_REUSE_RESULTS=FALSE";
        JdbcConnectionPool pool = JdbcConnectionPool.create(url, "sa", "");
        pool.setMaxConnections(threads + 4);
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE counters (id BIGINT PRIMARY KEY, name VARCHAR(64) UNIQUE, counted BIGINT NOT NULL)");
            s.execute("INSERT INTO counters VALUES (1, 'a', 0), (2, 'b', 0)");
            s.execute("CREATE TABLE others (k VARCHAR(64) PRIMARY KEY, v BIGINT)");
        }
        AtomicLong[] committed = {new AtomicLong(), new AtomicLong()};
        AtomicLong rolledBack = new AtomicLong();
        ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();
        if (storeCommits) {
            writer.scheduleWithFixedDelay(() -> {
                try (Connection c = pool.getConnection()) {
                    store(c).commit();
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }, 1, 1, TimeUnit.MILLISECONDS);
        }
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        ExecutorService workers = Executors.newFixedThreadPool(threads);
        for (int t = 0; t < threads; t++) {
            workers.submit(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                while (System.nanoTime() < end) {
                    int counter = random.nextInt(2);
                    try (Connection c = pool.getConnection()) {
                        c.setAutoCommit(false);
                        try (PreparedStatement p = c.prepareStatement("SELECT id FROM counters WHERE name = ? FOR UPDATE")) {
                            p.setString(1, counter == 0 ? "a" : "b");
                            p.executeQuery().close();
                        }
                        try (PreparedStatement p = c.prepareStatement("MERGE INTO others KEY (k) VALUES (?, ?)")) {
                            p.setString(1, "k" + random.nextInt(1000));
                            p.setLong(2, random.nextLong());
                            p.executeUpdate();
                        }
                        if (rollbacks && random.nextInt(3) == 0) {
                            if (storeLockedRollbacks) {
                                ReentrantLock lock = storeLock(store(c));
                                lock.lock();
                                try {
                                    c.rollback();
                                } finally {
                                    lock.unlock();
                                }
                            } else {
                                c.rollback();
                            }
                            rolledBack.incrementAndGet();
                        } else {
                            try (PreparedStatement p = c.prepareStatement("UPDATE counters SET counted = counted + 1 WHERE id = ?")) {
                                p.setLong(1, counter + 1);
                                p.executeUpdate();
                            }
                            c.commit();
                            committed[counter].incrementAndGet();
                        }
                        c.setAutoCommit(true);
                    }
                }
                return null;
            });
        }
        workers.shutdown();
        workers.awaitTermination(seconds + 60, TimeUnit.SECONDS);
        writer.shutdownNow();
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT counted FROM counters ORDER BY id")) {
            rs.next();
            long a = rs.getLong(1);
            rs.next();
            long b = rs.getLong(1);
            System.out.printf("store commits %s, rollbacks %s (%,d, store lock held: %s): counter a %,d of %,d committed, b %,d of %,d: %s%n",
                    storeCommits, rollbacks, rolledBack.get(), storeLockedRollbacks, a, committed[0].get(), b, committed[1].get(),
                    a == committed[0].get() && b == committed[1].get() ? "none lost" : "UPDATES LOST");
        }
        pool.dispose();
    }

    private static ReentrantLock storeLock(MVStore store) {
        try {
            Field field = MVStore.class.getDeclaredField("storeLock");
            field.setAccessible(true);
            return (ReentrantLock) field.get(store);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static MVStore store(Connection c) throws SQLException {
        return ((SessionLocal) c.unwrap(JdbcConnection.class).getSession()).getDatabase().getStore().getMvStore();
    }
}
