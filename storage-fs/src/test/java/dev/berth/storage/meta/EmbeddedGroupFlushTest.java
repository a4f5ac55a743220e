package dev.berth.storage.meta;

import dev.berth.storage.layout.DataLayout;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedded store's commits written in groups ({@link EmbeddedGroupFlush}): a writing transaction returns with
 * its commit in the file, a reading one writes nothing, and commits that arrive while a chunk is being written
 * share the next chunk instead of writing one each. A process killed between commits keeps every acknowledged row:
 * {@link EmbeddedStoreUpkeepTest#aProcessKilledDuringCommitsAndRewritesKeepsEveryCommittedRow}.
 */
class EmbeddedGroupFlushTest {
    @TempDir
    Path dataDir;
    private Database database;
    private MVStore store;

    @BeforeEach
    void setUp() throws Exception {
        // No upkeep rounds: they would write chunks of their own at moments the tests do not choose.
        database = Database.open(new DataLayout(dataDir), 0, Duration.ofHours(1));
        database.transaction(c -> Database.update(c, "CREATE TABLE flush_test (k VARCHAR(20) PRIMARY KEY)"));
        store = database.transaction(EmbeddedStoreUpkeep::storeOf);
    }

    @AfterEach
    void tearDown() {
        database.groupFlush().onBeforeWrite(() -> { });
        database.close();
    }

    @Test
    void aWritingTransactionReturnsWithItsCommitWrittenInAChunk() {
        long version = store.getCurrentVersion();

        insert("a");

        assertThat(store.hasUnsavedChanges()).as("changes not yet in the file").isFalse();
        assertThat(store.getCurrentVersion()).isEqualTo(version + 1);
    }

    @Test
    void aCommitWhoseWaitIsLeftToTheCallerIsSeenAtOnceAndWrittenByTheWait() {
        long version = store.getCurrentVersion();

        Database.Committed<Integer> committed = database.transactionDurableLater(c ->
                Database.update(c, "INSERT INTO flush_test (k) VALUES ('a')"));

        assertThat(rows()).as("seen by the next transaction").isEqualTo(1);
        assertThat(store.hasUnsavedChanges()).as("not in the file yet").isTrue();
        committed.durable().await();
        assertThat(store.hasUnsavedChanges()).isFalse();
        assertThat(store.getCurrentVersion()).isEqualTo(version + 1);
    }

    @Test
    void aReadingTransactionWritesNoChunk() {
        insert("a");
        long version = store.getCurrentVersion();

        assertThat(rows()).isEqualTo(1);

        assertThat(store.getCurrentVersion()).isEqualTo(version);
    }

    @Test
    void aCommitThatArrivesWhileAChunkIsBeingWrittenIsCoveredByTheNextWithoutOneOfItsOwn() throws Exception {
        Interleaving interleaving = new Interleaving(Interleaving.PARKED_THREAD);
        AtomicInteger writers = new AtomicInteger();
        database.groupFlush().onBeforeWrite(() -> {
            writers.incrementAndGet();
            interleaving.hold();
        });
        long version = store.getCurrentVersion();

        // The first commits and is held as it is about to write; the second commits and waits for the writer.
        Interleaving run = interleaving.first(() -> insert("first")).thenBlocked(() -> insert("second"));
        run.firstResult();
        run.secondResult();

        assertThat(writers).as("committers that wrote a chunk").hasValue(1);
        assertThat(store.getCurrentVersion()).as("one chunk for both commits").isEqualTo(version + 1);
        assertThat(store.hasUnsavedChanges()).isFalse();
        assertThat(rows()).isEqualTo(2);
    }

    private long rows() {
        return database.transaction(c -> Database.queryLong(c, "SELECT COUNT(*) FROM flush_test"));
    }

    private int insert(String key) {
        return database.transaction(c -> Database.update(c, "INSERT INTO flush_test (k) VALUES (?)", key));
    }
}
