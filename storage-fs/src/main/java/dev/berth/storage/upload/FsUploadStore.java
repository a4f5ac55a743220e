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
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Upload sessions as files under {@code uploads/} (see {@link DataLayout}), each an {@link FsBlobUpload}.
 *
 * <p>Every live session is in the cache, from the moment it opens: the requests of one upload (POST, PATCH…,
 * PUT) share one object, its open channel and its running digest. A session is written to disk only once it is
 * to outlive a request (see {@link FsBlobUpload}); until then it is the cache's alone, which is also why nothing
 * that lists sessions meanwhile (an expiry sweep, a collection) can take one half-written for a torn one: it
 * finds the cached object first. A session not in the cache (after a restart) is read back from its {@code .info}
 * file; one whose files are unreadable is deleted and reported as unknown. {@link #openSessions()} reads every
 * session on disk into the cache, so that afterwards every live session is in it and its end is reported exactly
 * once (to {@link #whenSessionEnds}).
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
     * Opens a session, in memory only: its first write creates its {@code .data} file, and its {@code .info}
     * comes when it is to outlive a request (see {@link FsBlobUpload}). Nothing is fsynced for a session: it needs
     * to survive a restart, not a power loss (see {@link SessionInfo#write}); what must be durable is the blob,
     * which the commit fsyncs before anything links it.
     */
    @Override
    public BlobUpload create(RepositoryName repository, String owner, String digestAlgorithm) throws IOException {
        if (!Digest.isSupportedAlgorithm(digestAlgorithm)) {
            throw new IllegalArgumentException("no content is stored under " + digestAlgorithm);
        }
        reserve.requireRoomFor(0);
        UploadId id = UploadId.startedOn(node);
        SessionInfo info = new SessionInfo(repository, owner, clock.instant(), digestAlgorithm);
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
        for (UploadId id : sessionIds()) {
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
        for (UploadId id : sessionIds()) {
            find(id).ifPresent(open::add);
        }
        return open;
    }

    @Override
    public void whenSessionEnds(Consumer<BlobUpload> listener) {
        ended = listener;
    }

    /**
     * Deletes every entry of {@code uploads/} that is not a readable session: a {@code .data} file with no
     * {@code .info} beside it (a session a crash or a stop ended before it was written down), an {@code .info}
     * that is torn or has no {@code .data}, anything else. A session in the directory form of earlier versions is
     * moved into the files of this one first. Run at startup, before any session opens.
     *
     * @return how many sessions or stray entries were deleted
     */
    public int removeUnreadableSessions() throws IOException {
        if (!Files.isDirectory(layout.uploadsDir())) {
            return 0;
        }
        int removed = 0;
        for (Path entry : list(layout.uploadsDir())) {
            String name = entry.getFileName().toString();
            Optional<UploadId> legacy = Files.isDirectory(entry) ? parseId(name) : Optional.empty();
            if (legacy.isPresent()) {
                removed += moveLegacySession(entry, legacy.get()) ? 0 : 1;
            }
        }
        for (Path entry : list(layout.uploadsDir())) {
            String name = entry.getFileName().toString();
            Optional<UploadId> info = idBefore(name, DataLayout.INFO_SUFFIX);
            Optional<UploadId> data = idBefore(name, DataLayout.DATA_SUFFIX);
            if (info.isPresent()) {
                removed += loadUnwrapped(info.get()) == null ? 1 : 0;
            } else if ((data.isEmpty() || !Files.exists(layout.uploadInfo(data.get()))) && Files.exists(entry)) {
                // (A .data whose torn .info came first in the listing went with it.)
                LOG.log(System.Logger.Level.WARNING, "removing stray entry " + entry);
                deleteTree(entry);
                removed++;
            }
        }
        return removed;
    }

    /**
     * Moves a session of the directory form ({@code <id>/data}, {@code <id>/info}) into this version's files,
     * {@code .data} first: a crash half-way leaves a {@code .data} alone, which the next start removes with the
     * rest. False when it was not a readable session (then it is deleted).
     */
    private boolean moveLegacySession(Path directory, UploadId id) throws IOException {
        Path data = directory.resolve("data");
        Path info = directory.resolve("info");
        boolean moved = Files.isRegularFile(data) && Files.isRegularFile(info);
        if (moved) {
            Files.move(data, layout.uploadData(id), StandardCopyOption.ATOMIC_MOVE);
            Files.move(info, layout.uploadInfo(id), StandardCopyOption.ATOMIC_MOVE);
        } else {
            LOG.log(System.Logger.Level.WARNING, "removing unreadable upload session " + directory);
        }
        deleteTree(directory);
        return moved;
    }

    /**
     * Writes a session down, so that a restart finds it. Its {@code .data} exists by then (the session creates it
     * first), so the {@code .info} appearing makes it complete on disk.
     */
    void persist(UploadId id, SessionInfo info) throws IOException {
        info.write(layout.uploadInfo(id));
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

    /**
     * Called by a session when it has ended: deletes its files ({@code persisted}: whether it has an {@code .info}),
     * forgets it and reports its end (once).
     */
    void remove(FsBlobUpload session, boolean persisted) throws IOException {
        try {
            deleteSessionFiles(session.id(), persisted);
        } finally {
            if (sessions.remove(session.id(), session)) {
                ended.accept(session);
            }
        }
    }

    /** Reads a session back from disk; null when absent, and when unreadable (then its files are deleted). */
    private FsBlobUpload loadOrNull(UploadId id) {
        if (!Files.exists(layout.uploadInfo(id))) {
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
                deleteSessionFiles(id, true);
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

    /** The sessions on disk (by their {@code .info} files) and those only in the cache so far. */
    private Set<UploadId> sessionIds() throws IOException {
        Set<UploadId> ids = new HashSet<>(sessions.keySet());
        if (Files.isDirectory(layout.uploadsDir())) {
            for (Path entry : list(layout.uploadsDir())) {
                idBefore(entry.getFileName().toString(), DataLayout.INFO_SUFFIX).ifPresent(ids::add);
            }
        }
        return ids;
    }

    /**
     * Deletes the {@code .info} file first, when there is one: should a crash interrupt the deletion, what is left
     * is a {@code .data} alone, which the next start removes. A committed session's {@code .data} is gone already
     * (it became the blob) on the filesystem; an object store's sink leaves it to be deleted here.
     */
    private void deleteSessionFiles(UploadId id, boolean persisted) throws IOException {
        if (persisted) {
            Files.deleteIfExists(layout.uploadInfo(id));
        }
        Files.deleteIfExists(layout.uploadData(id));
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

    /** The upload id a file name starts with, when it is that id followed by {@code suffix}. */
    private static Optional<UploadId> idBefore(String name, String suffix) {
        return name.endsWith(suffix) ? parseId(name.substring(0, name.length() - suffix.length())) : Optional.empty();
    }

    private static Optional<UploadId> parseId(String name) {
        try {
            return Optional.of(UploadId.parse(name));
        } catch (RegistryException e) {
            return Optional.empty();
        }
    }
}
