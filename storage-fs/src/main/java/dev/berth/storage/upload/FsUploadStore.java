package dev.berth.storage.upload;

import dev.berth.core.digest.Digest;
import dev.berth.core.error.RegistryException;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.upload.BlobUpload;
import dev.berth.core.upload.UploadId;
import dev.berth.core.upload.UploadStore;
import dev.berth.storage.layout.DataLayout;
import dev.berth.storage.layout.NodeId;
import dev.berth.storage.space.DiskReserve;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Upload sessions as directories under {@code uploads/} (see {@link DataLayout}), each an
 * {@link FsBlobUpload}.
 *
 * <p>Sessions in use are cached, so that the requests of one upload (POST, PATCH…, PUT) share one object,
 * its open channel and its running digest. A session not in the cache (after a restart) is read back
 * from its {@code info} file; one whose files are unreadable is deleted and reported as unknown.
 * {@link #openSessions()} reads every session on disk into the cache, so that afterwards every live session
 * is in it and its end is reported exactly once (to {@link #whenSessionEnds}).
 */
public final class FsUploadStore implements UploadStore {
    private static final System.Logger LOG = System.getLogger(FsUploadStore.class.getName());

    private final DataLayout layout;
    private final DiskReserve reserve;
    private final UploadSink sink;
    private final Clock clock;
    private final String node;
    private final ConcurrentHashMap<UploadId, FsBlobUpload> sessions = new ConcurrentHashMap<>();
    private final BackgroundWork background = new BackgroundWork();
    private volatile Consumer<BlobUpload> ended = session -> { };

    /**
     * Sessions under {@code layout}'s {@code uploads/}, keeping {@code reserve} free as they grow, and made blobs
     * by {@code sink}; their ids start with the directory's {@link NodeId}.
     */
    public FsUploadStore(DataLayout layout, DiskReserve reserve, UploadSink sink, Clock clock) {
        this.layout = layout;
        this.reserve = reserve;
        this.sink = sink;
        this.clock = clock;
        this.node = NodeId.of(layout);
    }

    /** The id of the node these sessions belong to, the start of their ids. */
    public String nodeId() {
        return node;
    }

    DiskReserve reserve() {
        return reserve;
    }

    UploadSink sink() {
        return sink;
    }

    /**
     * Opens a session: an empty {@code data} file and the {@code info} file in a directory of its own, which is
     * then renamed to the session's name, so that a session appears complete or not at all to whatever lists
     * them meanwhile (an expiry sweep or a collection once took a half-opened session for a torn one and deleted
     * it). Nothing is fsynced here: a session needs to survive a restart, not a power loss (see
     * {@link SessionInfo#write}); what must be durable is the blob, which the commit fsyncs before anything
     * links it.
     */
    @Override
    public BlobUpload create(RepositoryName repository, String owner, String digestAlgorithm) throws IOException {
        if (!Digest.isSupportedAlgorithm(digestAlgorithm)) {
            throw new IllegalArgumentException("no content is stored under " + digestAlgorithm);
        }
        reserve.requireRoomFor(0);
        UploadId id = UploadId.startedOn(node);
        SessionInfo info = new SessionInfo(repository, owner, clock.instant(), digestAlgorithm);
        Path opening = layout.uploadDirBeingOpened(id);
        try {
            Files.createDirectory(opening);
        } catch (NoSuchFileException e) {
            // Only the first session finds no uploads directory: Files.createDirectories on every one threw and
            // caught an exception for the directory that exists (1.2% of a small upload's allocation).
            Files.createDirectories(layout.uploadsDir());
            Files.createDirectory(opening);
        }
        try {
            Files.createFile(opening.resolve(layout.uploadData(id).getFileName()));
            info.write(opening.resolve(layout.uploadInfo(id).getFileName()));
            Files.move(opening, layout.uploadDir(id), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            deleteTree(opening);
            throw reserve.whenFull(e);
        } catch (RuntimeException e) {
            deleteTree(opening);
            throw e;
        }
        FsBlobUpload session = FsBlobUpload.started(id, info, layout, this, background);
        sessions.put(id, session);
        return session;
    }

    @Override
    public Optional<BlobUpload> find(UploadId id) throws IOException {
        FsBlobUpload session;
        try {
            session = sessions.computeIfAbsent(id, this::loadOrNull);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return session == null || session.isGone() ? Optional.empty() : Optional.of(session);
    }

    @Override
    public int expireStartedBefore(Instant cutoff) throws IOException {
        int expired = 0;
        for (UploadId id : sessionIdsOnDisk()) {
            Optional<BlobUpload> found = find(id);
            if (found.isPresent() && found.get().startedAt().isBefore(cutoff)) {
                ((FsBlobUpload) found.get()).expire();
                expired++;
            }
        }
        sink.expireBefore(cutoff);
        return expired;
    }

    @Override
    public List<BlobUpload> openSessions() throws IOException {
        List<BlobUpload> open = new ArrayList<>();
        for (UploadId id : sessionIdsOnDisk()) {
            find(id).ifPresent(open::add);
        }
        return open;
    }

    @Override
    public void whenSessionEnds(Consumer<BlobUpload> listener) {
        ended = listener;
    }

    /**
     * Deletes every entry of {@code uploads/} that is not a readable session: a directory whose name is not
     * an upload id, or whose {@code info} or {@code data} file is missing or torn. Run at startup.
     *
     * @return how many entries were deleted
     */
    public int removeUnreadableSessions() throws IOException {
        if (!Files.isDirectory(layout.uploadsDir())) {
            return 0;
        }
        int removed = 0;
        for (Path entry : list(layout.uploadsDir())) {
            Optional<UploadId> id = parseId(entry.getFileName().toString());
            if (id.isEmpty()) {
                LOG.log(System.Logger.Level.WARNING, "removing stray entry " + entry);
                deleteTree(entry);
                removed++;
            } else if (loadUnwrapped(id.get()) == null) {
                removed++;
            }
        }
        return removed;
    }

    /** Closes every cached session's file channel; the sessions stay on disk and resume after a restart. */
    public void suspendAll() throws IOException {
        try {
            for (FsBlobUpload session : sessions.values()) {
                session.suspend();
            }
        } finally {
            background.shutdown();
        }
    }

    /** Called by a session when it has ended: deletes its files, forgets it and reports its end (once). */
    void remove(FsBlobUpload session) throws IOException {
        try {
            deleteSessionFiles(session.id());
        } finally {
            if (sessions.remove(session.id(), session)) {
                ended.accept(session);
            }
        }
    }

    /** Reads a session back from disk; null when absent, and when unreadable (then its files are deleted). */
    private FsBlobUpload loadOrNull(UploadId id) {
        Path dir = layout.uploadDir(id);
        if (!Files.isDirectory(dir)) {
            return null;
        }
        try {
            SessionInfo info = SessionInfo.read(layout.uploadInfo(id));
            long size = Files.size(layout.uploadData(id));
            return FsBlobUpload.resumed(id, info, size, layout, this, background);
        } catch (UnreadableSessionException | NoSuchFileException e) {
            // A crash while the session was being opened or removed; the client has to start over.
            LOG.log(System.Logger.Level.WARNING, "removing unreadable upload session " + id + ": " + e.getMessage());
            try {
                deleteSessionFiles(id);
            } catch (IOException deletion) {
                throw new UncheckedIOException(deletion);
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private FsBlobUpload loadUnwrapped(UploadId id) throws IOException {
        try {
            return loadOrNull(id);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private List<UploadId> sessionIdsOnDisk() throws IOException {
        List<UploadId> ids = new ArrayList<>();
        if (Files.isDirectory(layout.uploadsDir())) {
            for (Path entry : list(layout.uploadsDir())) {
                parseId(entry.getFileName().toString()).ifPresent(ids::add);
            }
        }
        return ids;
    }

    /**
     * Deletes the {@code info} file first: should a crash interrupt the deletion, what is left is an
     * unreadable session that the next start removes. A committed session's directory is empty then (its data
     * became the blob), and goes in one call; walking it cost a dozen system calls more on every upload.
     */
    private void deleteSessionFiles(UploadId id) throws IOException {
        Files.deleteIfExists(layout.uploadInfo(id));
        Path dir = layout.uploadDir(id);
        try {
            Files.deleteIfExists(dir);
        } catch (DirectoryNotEmptyException e) {
            deleteTree(dir);
        }
    }

    private static List<Path> list(Path dir) throws IOException {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            stream.forEach(entries::add);
        }
        return entries;
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(root)) {
            paths = walk.sorted(Comparator.reverseOrder()).toList();
        } catch (NoSuchFileException e) {
            return;
        }
        for (Path path : paths) {
            Files.deleteIfExists(path);
        }
    }

    private static Optional<UploadId> parseId(String name) {
        try {
            return Optional.of(UploadId.parse(name));
        } catch (RegistryException e) {
            return Optional.empty();
        }
    }
}
