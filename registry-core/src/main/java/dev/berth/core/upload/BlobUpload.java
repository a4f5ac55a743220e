package dev.berth.core.upload;

import dev.berth.core.digest.Digest;
import dev.berth.core.name.RepositoryName;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * One upload session: a file that grows as chunks arrive and a running hash of what it holds, in the session's
 * {@link #digestAlgorithm() digest algorithm}.
 *
 * <p>Threading: a session is driven by one request at a time. {@link #append}, {@link #commit} and
 * {@link #cancel} block on the disk and must run off the event loop; {@link #size} may be read from any
 * thread. {@link #tryAcquire()} / {@link #release()} keep two requests from writing the same session.
 */
public interface BlobUpload {
    UploadId id();

    RepositoryName repository();

    /** The name of the user who opened the session ({@code admin}, a robot's name), or empty when unknown. */
    String owner();

    Instant startedAt();

    /**
     * The algorithm of the running hash ({@code sha256} unless the session was opened for another, see
     * {@link UploadStore#create(RepositoryName, String, String)}). A commit under a digest of this algorithm
     * takes the running hash; under the other it hashes the stored bytes again.
     */
    default String digestAlgorithm() {
        return Digest.SHA256;
    }

    /** Bytes received so far. */
    long size();

    /** Claims the session for one request; false when another request holds it. */
    boolean tryAcquire();

    void release();

    /**
     * Writes the session down now, where the storage keeps sessions across restarts, so that a restart finds it
     * however the request holding it ends: a request that sends a chunk and leaves the session open (a
     * {@code PATCH}) asks it before its body. A storage may write other sessions down only when a request lets
     * them go holding bytes, so that one that a single request fills and commits (a monolithic {@code POST}, the
     * {@code PUT} with the body after an empty {@code POST}) costs no more than its blob.
     */
    void keepAcrossRestarts() throws IOException;

    /** Appends bytes to the file and to the digest. */
    void append(ByteBuffer bytes) throws IOException;

    /**
     * Appends several buffers in order, as one write where the storage can gather them; the network hands
     * a body over in many small pieces, and fewer, larger writes cost less.
     *
     * <p>The bytes are on their way to the file when this returns, but the storage may still be reading the
     * buffers (to hash them): the returned stage completes when it no longer needs them, and only then may
     * the caller reuse or free them. {@link #commit} waits for every such stage.
     */
    default java.util.concurrent.CompletionStage<Void> append(ByteBuffer[] bytes) throws IOException {
        for (ByteBuffer buffer : bytes) {
            append(buffer);
        }
        return java.util.concurrent.CompletableFuture.completedFuture(null);
    }

    /**
     * Cuts the session back to {@code length} bytes, no more than it holds: drops what a request appended
     * before it turned out to be broken, so that the session is as that request found it.
     */
    void truncate(long length) throws IOException;

    /**
     * Finishes the upload: checks that the content matches {@code expected} (else {@code DIGEST_INVALID}
     * and the session's data is dropped), makes it durable and moves it into the blob store. The
     * session is gone afterwards.
     *
     * @return the size of the committed blob
     */
    long commit(Digest expected) throws IOException;

    /** Drops the session and its file. */
    void cancel() throws IOException;
}
