package dev.berth.storage.meta;

import org.h2.mvstore.MVStore;

import java.lang.reflect.Field;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Rolls back a transaction of the embedded database while no other thread can write a chunk of its store.
 *
 * <p>Why: H2 (2.3.232, and 2.5.252 alike) rolls a transaction back one undo record at a time, each as an operation
 * on the transaction's undo log whose decision puts the row's old value back. When the undo log's root changes
 * between that decision and the operation's compare-and-set, H2 runs the operation again, and with it the restore.
 * Writing a chunk changes every map's root ({@code MVStore.commit} gives each a new write version), and
 * {@link EmbeddedGroupFlush} and {@link EmbeddedStoreUpkeep} write chunks from other threads all the time. Between
 * the two restores the row is committed at its old value and locked by nobody, so a transaction that locks it,
 * changes it and commits in that gap has its committed change undone by the second restore; if it is still open,
 * it loses its lock. The first row a writing transaction of Berth locks is its registry's, restored last and so
 * exposed to the gap: a registry's {@code storage_used_bytes} lost committed updates that way under
 * {@code GarbageCollectionSoakTest}. {@code benchmarks/h2-lost-update/} reproduces it in plain H2.
 *
 * <p>The fix, short of changing H2: MVStore writes chunks, and compacts, only under its store lock (its
 * {@code commit}, its background writer, the commits its writers make when unsaved changes pile up), so a rollback
 * that holds that lock sees no root change from another thread. A store operation that H2 starts in the rolling-back
 * thread itself (the lock is reentrant) would still come between: H2 starts one there only when the unsaved changes
 * exceed its auto-commit memory (megabytes), so the rollback writes a chunk first when more than half of that is
 * unsaved. Held this way a rollback delays the next chunk by its own length, microseconds for Berth's transactions.
 * What the lock cannot cover is H2 undoing a failed statement inside the transaction (a statement-level rollback,
 * before the transaction's own): see {@code docs/consistency.md}.
 */
final class EmbeddedRollback {
    private static final Field STORE_LOCK = storeLockField();

    private EmbeddedRollback() {
    }

    /** Rolls back the transaction on {@code c}, a connection to the embedded database, holding its store's lock. */
    static void rollback(Connection c) throws SQLException {
        MVStore store = EmbeddedStoreUpkeep.storeOf(c);
        ReentrantLock lock = storeLock(store);
        lock.lock();
        try {
            if (store.getUnsavedMemory() > store.getAutoCommitMemory() / 2) {
                store.commit();
            }
            c.rollback();
        } finally {
            lock.unlock();
        }
    }

    /** The lock under which {@code store} writes and compacts its chunks; MVStore keeps it private. */
    static ReentrantLock storeLock(MVStore store) {
        try {
            return (ReentrantLock) STORE_LOCK.get(store);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("MVStore's store lock cannot be read", e);
        }
    }

    private static Field storeLockField() {
        try {
            Field field = MVStore.class.getDeclaredField("storeLock");
            field.setAccessible(true);
            return field;
        } catch (NoSuchFieldException e) {
            // An H2 without it needs this class looked at again: fail at startup, not at the first rollback.
            throw new ExceptionInInitializerError("MVStore has no storeLock field: " + e.getMessage());
        }
    }
}
