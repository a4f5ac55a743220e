package dev.berth.http.flow;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Inbound back-pressure for one connection's upload: counts the bytes handed to the off-loop writer
 * and not yet on disk, and tells the connection to stop reading from the socket while that count is
 * above the high water mark, the upload's {@linkplain UploadBuffers share} of the bytes all uploads may hold.
 * Reading resumes once the writer has brought it below two thirds of that mark, so a slow disk slows the
 * client instead of filling memory.
 *
 * <p>Whether it pauses depends on this upload's own count only, which its own writer brings down: a connection
 * paused while others started (and shrank its share) is still resumed, once its writer has caught up.
 *
 * <p>{@link #submitted} is called on the event loop, {@link #written} on the writer's thread; the resume
 * callback is handed to the event loop by the caller.
 */
public final class UploadFlowControl {
    private final UploadBuffers buffers;
    private final Runnable resume;
    private final Runnable paused;
    private final AtomicBoolean closed = new AtomicBoolean();
    // Guarded by this: the count and the flag change together, or a drain between the two could leave the
    // connection paused with nobody left to resume it.
    private long pending;
    private boolean isPaused;

    /**
     * @param resume runs (on the writer's thread) when reading may resume; it should hop to the event loop
     * @param paused runs each time reading pauses (to count it)
     */
    UploadFlowControl(UploadBuffers buffers, Runnable resume, Runnable paused) {
        this.buffers = buffers;
        this.resume = resume;
        this.paused = paused;
    }

    /** The bytes this upload may hold now: its high water mark. */
    public long highWaterMark() {
        return buffers.share();
    }

    /** Counts bytes handed towards the writer; true when the connection should not read (now or already). */
    public boolean submitted(long bytes) {
        long highWaterMark = highWaterMark();
        boolean pausedNow;
        boolean pausedAfter;
        synchronized (this) {
            pending += bytes;
            pausedNow = !isPaused && pending > highWaterMark;
            if (pausedNow) {
                isPaused = true;
            }
            pausedAfter = isPaused;
        }
        if (pausedNow) {
            paused.run();
        }
        return pausedAfter;
    }

    public void written(long bytes) {
        long lowWaterMark = highWaterMark() * 2 / 3;
        boolean resumeNow;
        synchronized (this) {
            pending -= bytes;
            resumeNow = isPaused && pending < lowWaterMark;
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

    /** The body has ended (or will not be read further): this upload no longer counts among those sharing. */
    public void close() {
        if (closed.compareAndSet(false, true)) {
            buffers.closed();
        }
    }
}
