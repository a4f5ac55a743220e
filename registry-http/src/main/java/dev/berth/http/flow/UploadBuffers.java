package dev.berth.http.flow;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The request bytes that all uploads together may hold between their sockets and the disk, shared out among the
 * uploads whose bodies are arriving: each may hold {@code limit / uploads}, but never less than
 * {@value #LEAST_PER_UPLOAD} bytes (it must make progress) nor more than {@value #MOST_PER_UPLOAD} (a few
 * socket reads ahead of the disk is all one upload needs to keep it busy). One upload alone gets the most; 32 uploads
 * within a 16 MiB limit get 512 KiB each, so that they do not exhaust the direct memory the limit was cut from.
 * Each upload's {@link UploadFlowControl} reads its share whenever it counts, so a share shrinks as others start.
 */
public final class UploadBuffers {
    public static final long MOST_PER_UPLOAD = 6L * 1024 * 1024;
    public static final long LEAST_PER_UPLOAD = 256L * 1024;

    private final long limit;
    private final AtomicInteger uploads = new AtomicInteger();

    public UploadBuffers(long limit) {
        this.limit = limit;
    }

    /** The back-pressure of one more upload, counted among those arriving until it is {@linkplain UploadFlowControl#close closed}. */
    public UploadFlowControl open(Runnable resume, Runnable paused) {
        uploads.incrementAndGet();
        return new UploadFlowControl(this, resume, paused);
    }

    /** The uploads whose bodies are arriving. */
    public int uploads() {
        return uploads.get();
    }

    /** What one upload may hold now: its high water mark. */
    long share() {
        return Math.min(MOST_PER_UPLOAD, Math.max(LEAST_PER_UPLOAD, limit / Math.max(1, uploads.get())));
    }

    void closed() {
        uploads.decrementAndGet();
    }
}
