package dev.berth.core.blob;

import dev.berth.core.digest.Digest;

import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * The global content-addressed store: one copy of each blob whatever the number of repositories that
 * link it. Which repository may see which blob is the metadata store's business, not this one's.
 * Implementations are safe for concurrent use.
 */
public interface BlobStore {
    /** The size of the stored blob, or empty when it is not stored. */
    OptionalLong size(Digest digest) throws IOException;

    /** Opens {@code length} bytes of the blob from {@code offset}; the caller closes the channel. */
    BlobContent open(Digest digest, long offset, long length) throws IOException;

    /**
     * A URL the client may fetch the stored blob from itself, for a while, instead of through the server (an
     * object store's presigned URL); empty when the store serves blobs only through the server, as by default.
     */
    default Optional<URI> downloadUrl(Digest digest) throws IOException {
        return Optional.empty();
    }

    /** Reads a small blob (a manifest) whole. */
    byte[] readAll(Digest digest) throws IOException;

    /**
     * Stores small content whose digest the caller computed, durably (fsync, rename, directory fsync);
     * a no-op when it is already stored.
     */
    void put(Digest digest, byte[] content) throws IOException;

    /** Removes the blob's file; a no-op when absent. */
    void delete(Digest digest) throws IOException;

    /**
     * Removes several blobs, as {@link #delete} would one after the other; a store that can remove many in one
     * request (an object store's batch delete) does.
     */
    default void deleteAll(List<Digest> digests) throws IOException {
        for (Digest digest : digests) {
            delete(digest);
        }
    }

    /**
     * Calls {@code visitor} with every stored blob, in no particular order, for the garbage collector's search
     * for blobs no metadata accounts for. Blobs stored or deleted during the walk may or may not be seen.
     */
    void forEach(Consumer<StoredBlobFile> visitor) throws IOException;

    /**
     * Removes what the store holds below its stored blobs that nothing accounts for and that is too old for a commit
     * in progress to claim still (an object store's objects that a crash left between their upload and the record
     * that makes them a blob); how many. A filesystem's strays are blob files, which {@link #forEach} finds.
     */
    default int removeStrays(Instant now) throws IOException {
        return 0;
    }
}
