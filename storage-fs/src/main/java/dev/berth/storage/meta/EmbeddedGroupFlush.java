package dev.berth.storage.meta;

import dev.berth.core.metadata.Durable;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes the embedded database's committed transactions to its file in groups: the step between a writing
 * transaction's commit and its caller's answer.
 *
 * <p>Why: H2 with {@code WRITE_DELAY=0} writes a new MVStore chunk at every commit, under its one store lock, each
 * chunk with every page changed since the last one (the committing transaction's, and those of every transaction
 * still open) and the chunk metadata. Under a stream of small writes that serialization is most of a push's CPU and
 * the point where pushes queue (benchmarks/README.md, "Garbage collection"). So the database is opened with H2's
 * own writing deferred ({@link #WRITE_DELAY_MILLIS}), a commit only makes the transaction visible, and
 * {@link #durableAfterCommit}'s wait then writes a chunk itself, unless one begun after this commit has already
 * covered it: the committers that arrive while a chunk is being written are all covered by the next one, which the
 * first of them writes (a group commit, as a write-ahead log's writer does).
 *
 * <p>The promise is unchanged: a writing transaction's caller is told it is done only once what it committed is in
 * the file ({@link Database#transaction} waits before it returns; {@code BlobLinker} waits after letting its
 * registry's next group of links begin), so a killed process loses nothing that a caller was told had been done.
 * A chunk holds the whole state of the store at its version, so a later chunk also covers every earlier commit: a
 * write that depended on another's committed data is written with it or after it. A read may see a commit whose
 * chunk is still being written, as it could when H2 wrote the chunk itself (it makes a commit visible first), and a
 * crash in those milliseconds takes that data away again, unacknowledged to its writer.
 */
final class EmbeddedGroupFlush {
    /**
     * H2's own writing of commits, deferred as long as H2 takes (about 25 days): a commit then writes no chunk, and
     * H2's background writer, the only place it compacts, wakes only every eight days; {@link EmbeddedStoreUpkeep}
     * compacts instead.
     */
    static final int WRITE_DELAY_MILLIS = Integer.MAX_VALUE;

    /** How many writing transactions have committed: the number a committer takes once its commit returned. */
    private final AtomicLong committed = new AtomicLong();
    /** Held by the one committer that writes a chunk, and waited for by the others. */
    private final Object writer = new Object();
    /** The number of committed transactions that the last chunk written covers; guarded by {@link #writer}. */
    private long covered;
    /** Runs when a committer is about to write a chunk: a seam for tests of the grouping. */
    private volatile Runnable beforeWrite = () -> { };

    /** Whether the transaction on {@code c} has changed anything: only those need their commit written. */
    static boolean hasChanges(Connection c) throws SQLException {
        return ((SessionLocal) c.unwrap(JdbcConnection.class).getSession()).hasPendingTransaction();
    }

    /**
     * The wait until the transaction just committed on {@code c} (it changed something) is in the file: whoever
     * waits writes a chunk when none begun since the commit has covered it. The commit's number is taken now,
     * right after it returned, so that a chunk begun later holds it; the wait may come later, from any thread.
     */
    Durable durableAfterCommit(Connection c) throws SQLException {
        MVStore store = EmbeddedStoreUpkeep.storeOf(c);
        long ticket = committed.incrementAndGet();
        return () -> flush(store, ticket);
    }

    private void flush(MVStore store, long ticket) {
        synchronized (writer) {
            if (covered >= ticket) {
                return;
            }
            beforeWrite.run();
            // Every number taken so far belongs to a commit that had returned: the chunk begun now holds it.
            long upTo = committed.get();
            store.commit();
            covered = upTo;
        }
    }

    /** Calls {@code hook} each time a committer is about to write a chunk, before it counts what the chunk covers. */
    void onBeforeWrite(Runnable hook) {
        beforeWrite = hook;
    }
}
