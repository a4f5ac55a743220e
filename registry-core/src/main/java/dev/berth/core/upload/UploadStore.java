package dev.berth.core.upload;

import dev.berth.core.digest.Digest;
import dev.berth.core.name.RepositoryName;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Upload sessions, kept on durable storage so that an unfinished upload survives a restart. After a
 * restart a session resumes by re-reading its partial file into a fresh digest.
 */
public interface UploadStore {
    /** Opens a session hashing with SHA-256, the default; see {@link #create(RepositoryName, String, String)}. */
    default BlobUpload create(RepositoryName repository, String owner) throws IOException {
        return create(repository, owner, Digest.SHA256);
    }

    /**
     * Opens a session for {@code owner} (the user's name, kept with the session so that it survives a restart)
     * whose running hash is {@code digestAlgorithm}, one of {@link Digest#ALGORITHMS}: the algorithm the client
     * announced ({@code ?digest-algorithm=}, or that of a monolithic upload's {@code ?digest=}).
     */
    BlobUpload create(RepositoryName repository, String owner, String digestAlgorithm) throws IOException;

    /** Every open session, including those a previous run left (read back from storage). */
    List<BlobUpload> openSessions() throws IOException;

    /**
     * Sets the one listener told, exactly once per session, that a session has ended: committed, cancelled,
     * dropped after a digest mismatch, or expired.
     */
    void whenSessionEnds(Consumer<BlobUpload> listener);

    /** The open session with that id, or empty when none exists (never opened, finished, cancelled, expired). */
    Optional<BlobUpload> find(UploadId id) throws IOException;

    /** Removes every session started before {@code cutoff} and its file; returns how many. */
    int expireStartedBefore(Instant cutoff) throws IOException;
}
