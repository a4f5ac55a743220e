package dev.berth.http.testing;

import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executor;

/**
 * The server's pool for blocking work (disk, metadata store, credential checks), run by hand on the test's
 * thread: a test sees what the connection does while that work is pending (the disk behind, a check not yet
 * answered), and nothing races the embedded channel, whose event loop is whatever thread calls it.
 */
public final class BlockingPool implements Executor {
    private final Deque<Runnable> tasks = new ConcurrentLinkedDeque<>();

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
    }

    /** Pieces of work waiting to run. */
    public int queued() {
        return tasks.size();
    }

    /** Runs the oldest piece of work; false when there was none. */
    boolean runOne() {
        return run(tasks.pollFirst());
    }

    /** Runs the newest piece of work, as a pool of many threads may finish it first; false when there was none. */
    boolean runNewest() {
        return run(tasks.pollLast());
    }

    private static boolean run(Runnable task) {
        if (task == null) {
            return false;
        }
        task.run();
        return true;
    }
}
