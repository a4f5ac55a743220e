package dev.berth.http.testing;

import dev.berth.core.digest.Digest;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.upload.BlobUpload;
import dev.berth.core.upload.UploadId;
import dev.berth.core.upload.UploadStore;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The real upload store, with each append's "done with the buffers" brought back to the thread that appended.
 *
 * <p>The store hashes a large batch on threads of its own and says so through the stage an append returns;
 * the upload exchange lets the batch's network buffers go, and may resume reading, when that stage completes.
 * On a server that hop goes through the event loop; an embedded channel takes every thread for its loop, so
 * a hashing thread would touch the channel beside the test. Here an append waits for the store's stage before
 * it returns, so everything happens on the test's thread, in an order the test chooses. While appends are
 * {@linkplain #holdAppends() held}, their stages stay open until the test {@linkplain #letGoHeldAppends() lets
 * them go}: the storage is then still reading the buffers (the hashing behind the disk).
 */
public final class SynchronousUploads implements UploadStore {
    private final UploadStore store;
    private final List<CompletableFuture<Void>> held = new ArrayList<>();
    private boolean holding;

    public SynchronousUploads(UploadStore store) {
        this.store = store;
    }

    /** From now on, appends keep their buffers until {@link #letGoHeldAppends()}. */
    public synchronized void holdAppends() {
        holding = true;
    }

    /** The storage is done with the oldest held append's buffers. */
    public void letGoOldestAppend() {
        CompletableFuture<Void> oldest;
        synchronized (this) {
            oldest = held.remove(0);
        }
        oldest.complete(null);
    }

    /** Ends holding and completes every held append, in order, on this thread. */
    public void letGoHeldAppends() {
        List<CompletableFuture<Void>> waiting;
        synchronized (this) {
            holding = false;
            waiting = new ArrayList<>(held);
            held.clear();
        }
        waiting.forEach(stage -> stage.complete(null));
    }

    /** Appends whose buffers are still held. */
    public synchronized int heldAppends() {
        return held.size();
    }

    private synchronized CompletionStage<Void> settled(CompletionStage<Void> stored) {
        stored.toCompletableFuture().join();
        if (!holding) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> later = new CompletableFuture<>();
        held.add(later);
        return later;
    }

    @Override
    public BlobUpload create(RepositoryName repository, String owner, String digestAlgorithm) throws IOException {
        return new Session(store.create(repository, owner, digestAlgorithm));
    }

    @Override
    public List<BlobUpload> openSessions() throws IOException {
        return store.openSessions().stream().<BlobUpload>map(Session::new).toList();
    }

    @Override
    public void whenSessionEnds(Consumer<BlobUpload> listener) {
        store.whenSessionEnds(listener);
    }

    @Override
    public Optional<BlobUpload> find(UploadId id) throws IOException {
        return store.find(id).map(Session::new);
    }

    @Override
    public int expireStartedBefore(Instant cutoff) throws IOException {
        return store.expireStartedBefore(cutoff);
    }

    private final class Session implements BlobUpload {
        private final BlobUpload session;

        Session(BlobUpload session) {
            this.session = session;
        }

        @Override
        public UploadId id() {
            return session.id();
        }

        @Override
        public RepositoryName repository() {
            return session.repository();
        }

        @Override
        public String owner() {
            return session.owner();
        }

        @Override
        public String digestAlgorithm() {
            return session.digestAlgorithm();
        }

        @Override
        public Instant startedAt() {
            return session.startedAt();
        }

        @Override
        public long size() {
            return session.size();
        }

        @Override
        public boolean tryAcquire() {
            return session.tryAcquire();
        }

        @Override
        public void release() {
            session.release();
        }

        @Override
        public void keepAcrossRestarts() throws IOException {
            session.keepAcrossRestarts();
        }

        @Override
        public void append(ByteBuffer bytes) throws IOException {
            session.append(bytes);
        }

        @Override
        public CompletionStage<Void> append(ByteBuffer[] bytes) throws IOException {
            return settled(session.append(bytes));
        }

        @Override
        public void truncate(long length) throws IOException {
            session.truncate(length);
        }

        @Override
        public long commit(Digest expected) throws IOException {
            return session.commit(expected);
        }

        @Override
        public void cancel() throws IOException {
            session.cancel();
        }
    }
}
