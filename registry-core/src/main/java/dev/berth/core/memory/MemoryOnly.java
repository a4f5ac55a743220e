package dev.berth.core.memory;

/**
 * Runs work that may be answered from memory alone, on a thread that must not wait for the store or the
 * disk (a Netty event loop): the pull path's caches are shared with the blocking path, and each of their
 * loaders calls {@link #checkMayLoad()} before it reads the store, the disk or hashes a credential. Inside
 * {@link #attempt} that check throws {@link Miss}, the attempt ends with {@code false}, and the caller runs
 * the same work again where it may block. One piece of code thus serves both paths; the work must leave
 * nothing half done when a lookup misses (the pull path answers only after every lookup).
 */
public final class MemoryOnly {
    private static final ThreadLocal<Boolean> ACTIVE = ThreadLocal.withInitial(() -> Boolean.FALSE);

    private MemoryOnly() {
    }

    /** A lookup inside {@link #attempt} that memory could not answer. Carries no stack trace: it is control flow. */
    public static final class Miss extends RuntimeException {
        private static final Miss INSTANCE = new Miss();

        private Miss() {
            super("not in memory", null, false, false);
        }
    }

    /** Runs {@code work}; false when it needed the store or the disk (it then did nothing the caller must undo). */
    public static boolean attempt(Runnable work) {
        if (ACTIVE.get()) {
            work.run();
            return true;
        }
        ACTIVE.set(Boolean.TRUE);
        try {
            work.run();
            return true;
        } catch (Miss miss) {
            return false;
        } finally {
            ACTIVE.set(Boolean.FALSE);
        }
    }

    /** Called by a loader before it reads the store or the disk: throws {@link Miss} inside {@link #attempt}. */
    public static void checkMayLoad() {
        if (ACTIVE.get()) {
            throw Miss.INSTANCE;
        }
    }
}
