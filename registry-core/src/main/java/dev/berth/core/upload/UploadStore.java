package dev.berth.core.upload;

import dev.berth.core.name.RepositoryName;

import java.io.IOException;
import java.time.Instant;
import java.util.Optional;

/**
 * Upload sessions, kept on durable storage so that an unfinished upload survives a restart. After a
 * restart a session resumes by re-reading its partial file into a fresh digest.
 */
public interface UploadStore {
    BlobUpload create(RepositoryName repository) throws IOException;

    /** The open session with that id, or empty when none exists (never opened, finished, cancelled, expired). */
    Optional<BlobUpload> find(UploadId id) throws IOException;

    /** Removes every session started before {@code cutoff} and its file; returns how many. */
    int expireStartedBefore(Instant cutoff) throws IOException;
}
