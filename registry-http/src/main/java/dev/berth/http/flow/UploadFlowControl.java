package dev.berth.http.flow;

/**
 * Inbound back-pressure for one connection's upload: counts the bytes handed to the off-loop writer
 * and not yet on disk, and tells the connection to stop reading from the socket while that count is
 * above the high water mark. Reading resumes once the writer has brought it below the low mark, so a
 * slow disk slows the client instead of filling the heap.
 *
 * <p>{@link #submitted} is called on the event loop, {@link #written} on the writer's thread; the resume
 * callback is handed to the event loop by the caller.
 */
public final class UploadFlowControl {
    /** Above this many bytes in flight, stop reading: a few socket reads' worth of chunks. */
    public static final long HIGH_WATER_MARK = 6L * 1024 * 1024;
    /** Below this many, read again. */
    public static final long LOW_WATER_MARK = 4L * 1024 * 1024;

    private final Runnable resume;
    private final Runnable paused;
    // Guarded by this: the count and the flag change together, or a drain between the two could leave the
    // connection paused with nobody left to resume it.
    private long pending;
    private boolean isPaused;

    /**
     * @param resume runs (on the writer's thread) when reading may resume; it should hop to the event loop
     * @param paused runs each time reading pauses (to count it)
     */
    public UploadFlowControl(Runnable resume, Runnable paused) {
        this.resume = resume;
        this.paused = paused;
    }

    public void submitted(long bytes) {
        boolean pausedNow;
        synchronized (this) {
            pending += bytes;
            pausedNow = !isPaused && pending > HIGH_WATER_MARK;
            if (pausedNow) {
                isPaused = true;
            }
        }
        if (pausedNow) {
            paused.run();
        }
    }

    public void written(long bytes) {
        boolean resumeNow;
        synchronized (this) {
            pending -= bytes;
            resumeNow = isPaused && pending < LOW_WATER_MARK;
            if (resumeNow) {
                isPaused = false;
            }
        }
        if (resumeNow) {
            resume.run();
        }
    }

    /** True while the connection should not read. */
    public synchronized boolean paused() {
        return isPaused;
    }
}
