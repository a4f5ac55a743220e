package dev.berth.storage.upload;

import dev.berth.core.digest.Digest;
import dev.berth.core.upload.UploadId;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Where the bytes of upload sessions go: sessions stage their bytes in a file of the data directory while the
 * digest runs over them ({@link FsBlobUpload}), and the sink makes a verified session a stored blob. The
 * filesystem's blob store renames the file into place ({@code FsBlobStore}); an object store ships the file's
 * bytes as they arrive, so that little is left to send once the digest is known.
 *
 * <p>Every call about one session comes from that session, one at a time, under its lock: a sink must not block
 * in {@link #grew} (hand the work to threads of its own).
 */
public interface UploadSink {
    /** Whether the staged file itself becomes the blob, and is worth making durable as it grows. */
    boolean stagedFileBecomesBlob();

    /** The session's file holds {@code size} bytes now; a sink that ships bytes as they arrive may read them. */
    default void grew(UploadId session, Path data, long size) {
    }

    /** The session's file was cut back to {@code length} bytes: what was shipped beyond is void. */
    default void cutBack(UploadId session, long length) throws IOException {
    }

    /**
     * Stores the session's complete file, which holds {@code size} bytes verified to be {@code digest}, as that
     * blob; when the blob is already stored the file is dropped instead. Durable when this returns.
     *
     * @param file the session's open channel on {@code data}
     */
    void commit(UploadId session, Path data, FileChannel file, long size, Digest digest) throws IOException;

    /**
     * The session is ending (committed, cancelled, dropped or expired): forget anything kept for it. Called before
     * the session's files are removed, and returns once nothing of the sink reads or writes them any more.
     */
    default void ended(UploadId session) {
    }

    /**
     * Removes what the sink keeps for sessions started before {@code cutoff} that no session accounts for any
     * more (an object store's multipart uploads that a crash left behind); called by each expiry sweep, after it
     * expired the sessions themselves.
     */
    default void expireBefore(Instant cutoff) throws IOException {
    }
}
