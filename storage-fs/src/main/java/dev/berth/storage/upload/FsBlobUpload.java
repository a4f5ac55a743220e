package dev.berth.storage.upload;

import dev.berth.core.digest.Digest;
import dev.berth.core.error.RegistryException;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.upload.BlobUpload;
import dev.berth.core.upload.UploadId;
import dev.berth.storage.blob.FileHashing;
import dev.berth.storage.layout.DataLayout;
import dev.berth.storage.space.DiskReserve;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One upload session: {@code uploads/<id>.data} grows as chunks arrive while a running hash, of the
 * session's algorithm ({@link SessionInfo#digestAlgorithm()}: SHA-256 unless the client asked for SHA-512 when it
 * opened the session), takes in the same bytes.
 *
 * <p>Commit, in order: compute the content's digest in {@code expected}'s algorithm, from the running hash when
 * that is the session's algorithm (always, for a client that announced it), else by reading the file once more
 * (a client that announced nothing and closes with a SHA-512 digest); compare it with {@code expected} (on a
 * mismatch the session is dropped and {@code DIGEST_INVALID} thrown); hand the file to the {@link UploadSink}
 * (the filesystem's blob store fsyncs it and renames it into place; an object store sends what it has not
 * shipped yet); delete the session's files.
 *
 * <p>A session is written down ({@code uploads/<id>.info}, so that a restart finds it) when a chunk's request
 * takes it ({@link #keepAcrossRestarts}), or when any request lets it go holding bytes ({@link #release}): a
 * session that one request fills and commits never is (see {@link DataLayout}).
 *
 * <p>Threading: {@link #append}, {@link #commit}, {@link #cancel} and expiry are {@code synchronized}, so an
 * expiry sweep cannot pull the file from under a running append; the lock is uncontended in the normal case
 * of one request at a time, which {@link #tryAcquire()} arranges. {@link #size()} is a volatile read. The
 * file channel is opened on first use and the digest, after a restart, is rebuilt on first use by
 * re-reading the file, so finding a session is cheap.
 */
final class FsBlobUpload implements BlobUpload {
    private static final System.Logger LOG = System.getLogger(FsBlobUpload.class.getName());
    private static final int INLINE_HASH_MAX = 256 * 1024;
    private static final long FLUSH_STEP_MIB = 32;
    private static final long FLUSH_STEP = FLUSH_STEP_MIB * 1024 * 1024;

    private final UploadId id;
    private final SessionInfo info;
    /** The session's staged bytes, {@code uploads/<id>.data}, created by the first write. */
    private final Path data;
    private final DiskReserve reserve;
    private final UploadSink sink;
    private final FsUploadStore sessions;
    private final BackgroundWork background;
    private final AtomicBoolean held = new AtomicBoolean();
    private volatile long size;

    // Guarded by this.
    private FileChannel channel;
    /** Null until rebuilt from the file, after a restart or after a commit that failed midway. */
    private MessageDigest digest;
    private boolean gone;
    /** Whether its {@code .info} file is written, so that a restart finds it. */
    private boolean persisted;
    /** Bytes written since the last background fsync started. */
    private long unflushed;
    /** The last background fsync, or null. */
    private Future<?> flushing;
    /** The last batch's hashing; the next batch's hashing runs after it. */
    private CompletableFuture<Void> hashLane = CompletableFuture.completedFuture(null);

    private FsBlobUpload(UploadId id, SessionInfo info, long size, MessageDigest digest, boolean persisted,
                         DataLayout layout, FsUploadStore sessions, BackgroundWork background) {
        this.id = id;
        this.persisted = persisted;
        this.background = background;
        this.info = info;
        this.size = size;
        this.digest = digest;
        this.data = layout.uploadData(id);
        this.reserve = sessions.reserve();
        this.sink = sessions.sink();
        this.sessions = sessions;
    }

    /** A session just opened: nothing on disk yet. */
    static FsBlobUpload started(UploadId id, SessionInfo info, DataLayout layout, FsUploadStore sessions,
                                BackgroundWork background) {
        return new FsBlobUpload(id, info, 0, Digest.newHash(info.digestAlgorithm()), false, layout, sessions,
                background);
    }

    /** A session found on disk after a restart; its digest is rebuilt when first needed. */
    static FsBlobUpload resumed(UploadId id, SessionInfo info, long size, DataLayout layout, FsUploadStore sessions,
                                BackgroundWork background) {
        return new FsBlobUpload(id, info, size, null, true, layout, sessions, background);
    }

    @Override
    public UploadId id() {
        return id;
    }

    @Override
    public RepositoryName repository() {
        return info.repository();
    }

    @Override
    public String owner() {
        return info.owner();
    }

    @Override
    public Instant startedAt() {
        return info.startedAt();
    }

    @Override
    public String digestAlgorithm() {
        return info.digestAlgorithm();
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public boolean tryAcquire() {
        return held.compareAndSet(false, true);
    }

    /** Its {@code .data} first (created empty if need be), then its {@code .info}: complete once that appears. */
    @Override
    public synchronized void keepAcrossRestarts() throws IOException {
        ensureLive();
        if (!persisted) {
            channel();
            try {
                writeDown();
            } catch (IOException e) {
                throw reserve.whenFull(e);
            }
        }
    }

    /**
     * Lets the session go at the end of a request, writing it down first when it holds bytes that a restart should
     * find: a request that was to commit it broke off. Released by its commit, it is gone and writes nothing.
     */
    @Override
    public void release() {
        try {
            persistIfHoldingBytes();
        } finally {
            held.set(false);
        }
    }

    /**
     * A session that cannot be written down here (a full disk) lives on in memory: its client can still finish
     * it, and only a restart before then loses it, as it loses an empty one.
     */
    private synchronized void persistIfHoldingBytes() {
        if (gone || persisted || size == 0) {
            return;
        }
        try {
            writeDown();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "upload session " + id + " could not be written down; a restart "
                    + "would lose it: " + e);
        }
    }

    private void writeDown() throws IOException {
        sessions.persist(id, info);
        persisted = true;
    }

    @Override
    public void append(ByteBuffer bytes) throws IOException {
        BackgroundWork.await(append(new ByteBuffer[] {bytes}).toCompletableFuture());
    }

    /**
     * Appends all the bytes or none: after a failed write the file is cut back to where it was, and the
     * digest is rebuilt from the file when next needed, so the two keep describing the same bytes.
     * Consumes {@code bytes}.
     *
     * <p>Hashing and writing are the two costs of an upload, and they are independent. The digest takes in
     * the buffers (through views, with no copy) on a lane of its own, one batch after another in order,
     * while this thread writes them with one gathering write and returns: hashing of one batch overlaps the
     * writing of the next. The returned stage completes when the batch is hashed. Every
     * {@value #FLUSH_STEP_MIB} MiB a background fsync starts, so that little is left to flush when the
     * commit makes the file durable.
     */
    @Override
    public synchronized CompletionStage<Void> append(ByteBuffer[] bytes) throws IOException {
        ensureLive();
        ByteBuffer[] views = new ByteBuffer[bytes.length];
        long total = 0;
        for (int i = 0; i < bytes.length; i++) {
            views[i] = bytes[i].duplicate();
            total += views[i].remaining();
        }
        reserve.requireRoomFor(total);
        MessageDigest running = digest();
        FileChannel file = channel();
        long before = file.position();
        if (total <= INLINE_HASH_MAX && hashLane.isDone()) {
            return appendHashingInline(file, before, bytes, total, running, views);
        }
        CompletableFuture<Void> hashed = hashLane.thenRunAsync(() -> update(running, views), background.hashers());
        hashLane = hashed;
        try {
            writeAll(file, bytes, total);
        } catch (IOException e) {
            // The digest may take in bytes the file will not hold: let the lane finish, then forget the digest.
            BackgroundWork.awaitQuietly(hashed);
            forgetDigest();
            rollBackTo(file, before);
            throw reserve.whenFull(e);
        }
        grew(file, before + total, total);
        return hashed;
    }

    /**
     * A small batch with nothing left on the hash lane: written, then hashed on this thread. Handing
     * {@value #INLINE_HASH_MAX} bytes or fewer to the lane costs more in thread wake-ups than hashing them
     * (measured in {@code docs/design-notes.md}, "Figures behind constants"), and a small upload then commits
     * without waiting for another thread.
     */
    private CompletionStage<Void> appendHashingInline(FileChannel file, long before, ByteBuffer[] bytes, long total,
                                                      MessageDigest running, ByteBuffer[] views) throws IOException {
        try {
            writeAll(file, bytes, total);
        } catch (IOException e) {
            // Nothing was hashed yet: cutting the file back keeps the two describing the same bytes.
            rollBackTo(file, before);
            throw reserve.whenFull(e);
        }
        update(running, views);
        grew(file, before + total, total);
        return CompletableFuture.completedFuture(null);
    }

    private static void writeAll(FileChannel file, ByteBuffer[] bytes, long total) throws IOException {
        long written = 0;
        while (written < total) {
            written += file.write(bytes);
        }
    }

    /** Drops the running digest (to be rebuilt from the file) and starts a fresh, idle hash lane. */
    private void forgetDigest() {
        digest = null;
        hashLane = CompletableFuture.completedFuture(null);
    }

    private static void update(MessageDigest digest, ByteBuffer[] views) {
        for (ByteBuffer view : views) {
            digest.update(view);
        }
    }

    /** Counts bytes written: the sink may ship them, and a file that becomes the blob is flushed as it grows. */
    private void grew(FileChannel file, long newSize, long written) {
        size = newSize;
        sink.grew(id, data, newSize);
        if (!sink.stagedFileBecomesBlob()) {
            return;
        }
        unflushed += written;
        if (unflushed >= FLUSH_STEP && (flushing == null || flushing.isDone())) {
            unflushed = 0;
            flushing = background.flush(file);
        }
    }

    /**
     * The running digest has taken in the bytes being cut off and cannot give them back: it is forgotten and
     * rebuilt from the file at next use. A request is cut back only when it broke, so that re-read is rare.
     */
    @Override
    public synchronized void truncate(long length) throws IOException {
        ensureLive();
        if (length >= size) {
            return;
        }
        FileChannel file = channel();
        forgetDigest();
        file.truncate(length);
        file.position(length);
        size = length;
        sink.cutBack(id, length);
    }

    @Override
    public synchronized long commit(Digest expected) throws IOException {
        ensureLive();
        try {
            hashLane.join();
        } catch (RuntimeException e) {
            // A hash task failed: the digest cannot be trusted; rebuild it from the file.
            forgetDigest();
        }
        Digest actual;
        if (expected.algorithm().equals(info.digestAlgorithm())) {
            actual = Digest.of(expected.algorithm(), digest().digest());
        } else {
            // The client closes with a digest of another algorithm than the session hashed with: the bytes are
            // all in the file (every append wrote them before it returned), so hash them again from there.
            MessageDigest other = expected.newHash();
            FileHashing.update(other, channel());
            actual = Digest.of(expected.algorithm(), other.digest());
        }
        // digest() has reset the running state (or it was not used): should a later step fail, the next use
        // rebuilds it from the file.
        forgetDigest();
        if (!actual.equals(expected)) {
            discardAfterMismatch();
            throw RegistryException.digestInvalid("provided digest " + expected + " did not match uploaded content " + actual);
        }
        long committed = size;
        FileChannel file = channel();
        BackgroundWork.awaitQuietly(flushing);
        sink.commit(id, data, file, committed, expected);
        closeChannel();
        discard();
        return committed;
    }

    @Override
    public synchronized void cancel() throws IOException {
        ensureLive();
        discard();
    }

    /** Drops the session whatever state it is in; used by expiry. A no-op when it is already gone. */
    synchronized void expire() throws IOException {
        if (!gone) {
            discard();
        }
    }

    /** Closes the file channel, leaving the session on disk to be resumed; used at shutdown. */
    synchronized void suspend() throws IOException {
        persistIfHoldingBytes();
        closeChannel();
    }

    synchronized boolean isGone() {
        return gone;
    }

    private void ensureLive() {
        if (gone) {
            throw RegistryException.uploadUnknown(id.value());
        }
    }

    private FileChannel channel() throws IOException {
        if (channel == null) {
            try {
                channel = persisted ? open() : create();
            } catch (NoSuchFileException e) {
                discard();
                throw RegistryException.uploadUnknown(id.value());
            }
            channel.position(channel.size());
        }
        return channel;
    }

    /** The data file of a session on disk: READ as well as WRITE, for the digest is rebuilt through it. */
    private FileChannel open() throws IOException {
        return FileChannel.open(data, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    /** The data file of a session not written down yet, created by its first use. */
    private FileChannel create() throws IOException {
        try {
            try {
                return openCreating();
            } catch (NoSuchFileException e) {
                // Only where startup recovery did not make uploads/ (a store used on its own, in a test).
                Files.createDirectories(data.getParent());
                return openCreating();
            }
        } catch (IOException e) {
            throw reserve.whenFull(e);
        }
    }

    private FileChannel openCreating() throws IOException {
        return FileChannel.open(data, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    private MessageDigest digest() throws IOException {
        if (digest == null) {
            hashLane = CompletableFuture.completedFuture(null);
            FileChannel file = channel();
            MessageDigest rebuilt = Digest.newHash(info.digestAlgorithm());
            long position = FileHashing.update(rebuilt, file);
            file.position(position);
            size = position;
            digest = rebuilt;
        }
        return digest;
    }

    private void rollBackTo(FileChannel file, long before) {
        try {
            file.truncate(before);
            file.position(before);
        } catch (IOException e) {
            // The file now holds bytes the digest lacks: forget the digest, rebuild it (and the size) from
            // whatever the file holds at next use.
            forgetDigest();
        }
    }

    private void discardAfterMismatch() {
        try {
            discard();
        } catch (IOException e) {
            // The client must still hear DIGEST_INVALID; the session is marked gone and expiry or startup
            // recovery removes what is left of its files.
            LOG.log(System.Logger.Level.WARNING, "could not remove upload session " + id + " after a digest mismatch", e);
        }
    }

    /** Ends the session: the sink first (it may still be reading or writing its data file), then its files. */
    private void discard() throws IOException {
        gone = true;
        try {
            closeChannel();
        } finally {
            try {
                sink.ended(id);
            } finally {
                sessions.remove(this, persisted);
            }
        }
    }

    private void closeChannel() throws IOException {
        BackgroundWork.awaitQuietly(flushing);
        flushing = null;
        if (channel != null) {
            FileChannel toClose = channel;
            channel = null;
            toClose.close();
        }
    }
}
