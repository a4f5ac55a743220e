package dev.berth.storage.meta;

import dev.berth.storage.layout.DataLayout;
import org.h2.api.Trigger;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A rollback on the embedded database keeps other threads' chunks out until it is done ({@link EmbeddedRollback}):
 * the interleaving in which H2 otherwise undoes a commit made by another transaction, forced step by step.
 *
 * <p>A transaction locks a counter row and fails. Its rollback restores the row, and an H2 trigger on rollback,
 * called right after that restore and before the undo log's compare-and-set, holds it there while another
 * transaction locks the row, adds one and commits, and a third thread writes a chunk. Had the chunk been written, H2
 * would run the restore again and take the committed addition away.
 */
class EmbeddedRollbackTest {
    /** The thread whose rollback the trigger stops in, once; the trigger ignores every other call. */
    private static final AtomicReference<Thread> ROLLING_BACK = new AtomicReference<>();
    private static volatile SqlStep restored = () -> { };

    @TempDir
    Path dataDir;
    private Database database;
    private MVStore store;

    @FunctionalInterface
    interface SqlStep {
        void run() throws Exception;
    }

    /** Called by H2 for each row of {@code counters} that an update changes or a rollback restores. */
    public static final class RestoreHook implements Trigger {
        @Override
        public void fire(Connection conn, Object[] oldRow, Object[] newRow) throws SQLException {
            if (ROLLING_BACK.compareAndSet(Thread.currentThread(), null)) {
                try {
                    restored.run();
                } catch (Exception e) {
                    throw new SQLException(e);
                }
            }
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        // No upkeep rounds: the only chunks are the ones the test writes.
        database = Database.open(new DataLayout(dataDir), 0, Duration.ofHours(1));
        database.transaction(c -> {
            Database.update(c, "CREATE TABLE counters (id BIGINT PRIMARY KEY, counted BIGINT NOT NULL)");
            Database.update(c, "INSERT INTO counters VALUES (1, 0)");
            return Database.update(c, "CREATE TRIGGER restore_hook AFTER UPDATE, ROLLBACK ON counters FOR EACH ROW CALL \""
                    + RestoreHook.class.getName() + "\"");
        });
        store = database.transaction(EmbeddedStoreUpkeep::storeOf);
    }

    @AfterEach
    void tearDown() {
        ROLLING_BACK.set(null);
        restored = () -> { };
        database.close();
    }

    @Test
    void aCommitMadeWhileARollbackRestoresTheRowItLockedIsKept() throws Exception {
        Thread[] chunkWriter = new Thread[1];
        restored = () -> {
            // The row is committed at its old value now: another transaction takes it, adds one and commits. Its
            // commit writes no chunk, so that it cannot wait for the rollback that this hook holds.
            try (Connection other = DriverManager.getConnection("jdbc:h2:file:" + new DataLayout(dataDir).metaDatabase(),
                    "berth", "")) {
                other.setAutoCommit(false);
                Database.queryLong(other, "SELECT counted FROM counters WHERE id = 1 FOR UPDATE");
                Database.update(other, "UPDATE counters SET counted = counted + 1 WHERE id = 1");
                other.commit();
            }
            // Then a chunk, as EmbeddedGroupFlush and EmbeddedStoreUpkeep write them: it must wait for the rollback.
            chunkWriter[0] = new Thread(store::commit, "chunk-writer");
            chunkWriter[0].start();
            while (chunkWriter[0].isAlive() && !EmbeddedRollback.storeLock(store).hasQueuedThread(chunkWriter[0])) {
                Thread.onSpinWait();
            }
        };
        ROLLING_BACK.set(Thread.currentThread());

        assertThatThrownBy(() -> database.transaction(c -> {
            Database.queryLong(c, "SELECT counted FROM counters WHERE id = 1 FOR UPDATE");
            throw new IllegalStateException("refused after locking the row");
        })).hasMessage("refused after locking the row");
        chunkWriter[0].join();

        assertThat(ROLLING_BACK.get()).as("the hook ran").isNull();
        Long counted = database.transaction(c -> Database.queryLong(c, "SELECT counted FROM counters WHERE id = 1"));
        assertThat(counted).as("the other transaction's committed addition").isEqualTo(1);
    }
}
