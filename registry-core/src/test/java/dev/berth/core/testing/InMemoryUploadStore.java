package dev.berth.core.testing;

import dev.berth.core.digest.Digest;
import dev.berth.core.error.RegistryException;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.upload.BlobUpload;
import dev.berth.core.upload.UploadId;
import dev.berth.core.upload.UploadStore;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/** Upload sessions held in memory; a commit moves the bytes into an {@link InMemoryBlobStore}. */
public final class InMemoryUploadStore implements UploadStore {
    private final Map<UploadId, Session> sessions = new ConcurrentHashMap<>();
    private final InMemoryBlobStore blobs;
    private final Clock clock;
    private volatile Consumer<BlobUpload> ended = session -> { };

    public InMemoryUploadStore(InMemoryBlobStore blobs, Clock clock) {
        this.blobs = blobs;
        this.clock = clock;
    }

    @Override
    public BlobUpload create(RepositoryName repository, String owner, String digestAlgorithm) {
        Session session = new Session(UploadId.startedOn("0000beef"), repository, owner, digestAlgorithm, clock.instant());
        sessions.put(session.id, session);
        return session;
    }

    @Override
    public Optional<BlobUpload> find(UploadId id) {
        return Optional.ofNullable(sessions.get(id));
    }

    @Override
    public int expireStartedBefore(Instant cutoff) {
        int expired = 0;
        for (Session session : List.copyOf(sessions.values())) {
            if (session.startedAt.isBefore(cutoff) && end(session)) {
                expired++;
            }
        }
        return expired;
    }

    @Override
    public List<BlobUpload> openSessions() {
        return List.copyOf(sessions.values());
    }

    @Override
    public void whenSessionEnds(Consumer<BlobUpload> listener) {
        ended = listener;
    }

    /** Removes the session and tells the listener, once; false when it had already ended. */
    private boolean end(Session session) {
        if (sessions.remove(session.id, session)) {
            ended.accept(session);
            return true;
        }
        return false;
    }

    public int open() {
        return sessions.size();
    }

    private final class Session implements BlobUpload {
        private final UploadId id;
        private final RepositoryName repository;
        private final String owner;
        private final String digestAlgorithm;
        private final Instant startedAt;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final AtomicBoolean held = new AtomicBoolean();

        Session(UploadId id, RepositoryName repository, String owner, String digestAlgorithm, Instant startedAt) {
            this.id = id;
            this.repository = repository;
            this.owner = owner;
            this.digestAlgorithm = digestAlgorithm;
            this.startedAt = startedAt;
        }

        @Override
        public UploadId id() {
            return id;
        }

        @Override
        public RepositoryName repository() {
            return repository;
        }

        @Override
        public String owner() {
            return owner;
        }

        @Override
        public Instant startedAt() {
            return startedAt;
        }

        @Override
        public String digestAlgorithm() {
            return digestAlgorithm;
        }

        @Override
        public synchronized long size() {
            return bytes.size();
        }

        @Override
        public boolean tryAcquire() {
            return held.compareAndSet(false, true);
        }

        @Override
        public void release() {
            held.set(false);
        }

        /** Nothing here outlives the process. */
        @Override
        public void keepAcrossRestarts() {
        }

        @Override
        public synchronized void append(ByteBuffer buffer) {
            byte[] chunk = new byte[buffer.remaining()];
            buffer.get(chunk);
            bytes.writeBytes(chunk);
        }

        @Override
        public synchronized void truncate(long length) {
            byte[] kept = Arrays.copyOf(bytes.toByteArray(), (int) Math.min(length, bytes.size()));
            bytes.reset();
            bytes.writeBytes(kept);
        }

        @Override
        public synchronized long commit(Digest expected) {
            byte[] content = bytes.toByteArray();
            end(this);
            if (!Digest.compute(expected.algorithm(), content).equals(expected)) {
                throw RegistryException.digestInvalid("content does not match " + expected);
            }
            blobs.put(expected, content);
            return content.length;
        }

        @Override
        public void cancel() {
            end(this);
        }
    }
}
