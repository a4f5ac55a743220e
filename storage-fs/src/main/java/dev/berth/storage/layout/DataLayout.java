package dev.berth.storage.layout;

import dev.berth.core.digest.Digest;
import dev.berth.core.upload.UploadId;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;

/**
 * Turns typed values into paths under the data directory; the one place that knows the layout.
 *
 * <pre>
 * &lt;data-dir&gt;/
 *   blobs/sha256/ab/ab12…ef     content-addressed blobs, immutable, shared by every repository (64 hex)
 *   blobs/sha512/cd/cd34…01     the same for blobs pushed under SHA-512 digests (128 hex)
 *   uploads/&lt;upload-id&gt;.data   the bytes received so far by one upload session
 *   uploads/&lt;upload-id&gt;.info   the session's repository and start time, once it is to outlive a request
 *   meta/berth.mv.db            the embedded H2 metadata database (repositories, links, manifests, tags)
 *   metadata-location           "h2", or "postgresql &lt;jdbc url&gt;": the metadata this directory's blobs belong to
 *   berth.lock                  locked by the one process (server or check) using the directory
 *   node-id                     eight hex characters: the node's id in a cluster, the start of its upload ids
 *   tmp/&lt;random&gt;.tmp           a file being written, before its atomic rename into place
 *   quarantine/&lt;time&gt;/sha256/ab/ab12…ef   a file the integrity check found corrupt, moved out of blobs/ (or sha512/…)
 * </pre>
 *
 * <p><b>blobs/</b> holds each blob once, under its digest, whatever the number of repositories that
 * link it; which repository may see which blob is recorded in {@code meta/}, never here. A digest's algorithm
 * names the directory under {@code blobs/} ({@code sha256} or {@code sha512}, {@link Digest#ALGORITHMS}), its
 * hex the file; the same bytes pushed under both algorithms are two blobs. The two-hex shard keeps directories
 * small. A blob file appears by an atomic rename of a complete, fsynced file, so it is either absent or whole;
 * it lives until garbage collection deletes it. Nothing else belongs in {@code blobs/}: whatever else is found
 * there is a stray entry to the integrity check and never a blob to the collector.
 *
 * <p><b>uploads/</b> has two files per upload session, named by its random {@link UploadId}. The {@code .data}
 * file grows as chunks arrive, created by the first write. The {@code .info} file lets a restarted server find
 * the session again (the running digest is rebuilt by re-reading {@code .data}); it is written, after the
 * {@code .data}, when a chunk's request ({@code PATCH}) takes the session or a request lets it go holding bytes,
 * and a session exists on disk exactly when its {@code .info} does. A session that one request fills and
 * commits (a monolithic {@code POST}, or the {@code PUT} with the body after an empty {@code POST}, as some clients
 * push small blobs) never writes one: its {@code .data} becomes the blob, and the file operations an
 * {@code .info} costs are saved on each such upload ({@code docs/design-notes.md}, "Upload sessions written down
 * when they are to outlive a request"). A session opened and left empty lives in memory only: a restart forgets
 * it, and its client opens another. A session lives until it is committed (its {@code .data} is renamed into
 * {@code blobs/}), cancelled or expired for age. A crash can leave a {@code .data} with no {@code .info}, or a
 * torn {@code .info}: startup recovery drops it, and the client starts its upload again. Before 2026-12 a session
 * was a directory ({@code <upload-id>/data} and {@code <upload-id>/info}); startup recovery moves such a session
 * into the files above.
 *
 * <p><b>meta/</b> is the H2 database ({@code berth.mv.db}; H2 adds {@code berth.trace.db} when it logs an
 * error). It lives as long as the registry, its schema moved forward by versioned migrations, and it is
 * locked by the one process that has it open. A link to a blob is recorded only after the blob is durable,
 * so a crash leaves at worst an unlinked blob, never a link to a missing one; startup recovery checks that
 * anyway and drops links and manifests whose blob file is gone. The integrity check ({@code check}) reports
 * those too, with the blob files whose content no longer hashes to their name and the usage counters that
 * disagree with the links.
 *
 * <p><b>metadata-location</b> binds the directory to its metadata: a server started on it with other metadata
 * (no {@code --metadata-url} where it had one, another database) refuses to start, rather than serve an empty
 * registry whose collector would find every blob file unaccounted for. Written on first start; a directory
 * from before it that holds {@code meta/berth.mv.db} is bound to that database. An operator who moved the
 * PostgreSQL database edits it.
 *
 * <p><b>tmp/</b> holds files while they are written (small blobs such as manifests) before they are
 * renamed into {@code blobs/}. It sits on the same filesystem as {@code blobs/} so the rename is atomic.
 * Anything found there at startup belongs to an interrupted write and is deleted.
 *
 * <p><b>quarantine/</b> exists only once {@code check --repair} has found a corrupt entry in {@code blobs/}: a
 * file whose content's SHA-256 is not its name, or anything else that is not a blob at its address. Such an entry is
 * moved, by a rename, to {@code quarantine/<time>/} followed by its path under {@code blobs/}, where
 * {@code <time>} is when that check started ({@code yyyyMMdd'T'HHmmss'Z'}, UTC); the links that named it are
 * then dropped like those of a missing blob. Nothing in Berth reads or deletes the quarantine: its files are
 * kept for an operator to inspect, and removed by hand.
 *
 * <p>The whole data directory must be on one filesystem: commits rename files from {@code uploads/} and
 * {@code tmp/} into {@code blobs/}, and the check from {@code blobs/} into {@code quarantine/}.
 */
public final class DataLayout {
    /** The end of an upload session's data file's name, after its id. */
    public static final String DATA_SUFFIX = ".data";
    /** The end of an upload session's info file's name, after its id. */
    public static final String INFO_SUFFIX = ".info";
    private static final String TEMP_SUFFIX = ".tmp";
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Sorts as it reads, and has no colon, which some filesystems refuse in a name. */
    private static final DateTimeFormatter QUARANTINE_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final Path root;

    public DataLayout(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** The data directory itself. */
    public Path root() {
        return root;
    }

    /** {@code blobs}: the parent of the algorithms' directories. */
    public Path blobsDir() {
        return root.resolve("blobs");
    }

    /** {@code blobs/<algorithm>}: the parent of the shard directories of one algorithm's blobs. */
    public Path blobAlgorithmDir(String algorithm) {
        if (!Digest.isSupportedAlgorithm(algorithm)) {
            throw new IllegalArgumentException("no content is stored under " + algorithm);
        }
        return blobsDir().resolve(algorithm);
    }

    /** {@code blobs/<algorithm>/<2 hex>}: the shard directory a blob lives in. */
    public Path blobShardDir(Digest digest) {
        return blobAlgorithmDir(digest.algorithm()).resolve(digest.hex().substring(0, 2));
    }

    /** {@code blobs/<algorithm>/<2 hex>/<hex>}: where a blob lives. */
    public Path blobFile(Digest digest) {
        return blobShardDir(digest).resolve(digest.hex());
    }

    /** {@code uploads}: where the upload sessions' files are. */
    public Path uploadsDir() {
        return root.resolve("uploads");
    }

    /** {@code uploads/<id>.data}: the bytes the session has received. */
    public Path uploadData(UploadId id) {
        return uploadsDir().resolve(id.value() + DATA_SUFFIX);
    }

    /** {@code uploads/<id>.info}: the session's repository and start time. */
    public Path uploadInfo(UploadId id) {
        return uploadsDir().resolve(id.value() + INFO_SUFFIX);
    }

    /** {@code meta}: the metadata database's directory. */
    public Path metaDir() {
        return root.resolve("meta");
    }

    /** {@code meta/berth}: the database's base name, as an H2 file URL wants it (H2 adds {@code .mv.db}). */
    public Path metaDatabase() {
        return metaDir().resolve("berth");
    }

    /** {@code meta/berth.mv.db}: the database's file, which exists once any process has opened the database. */
    public Path metaDatabaseFile() {
        return metaDir().resolve("berth.mv.db");
    }

    /** {@code berth.lock}: the file a process locks while it uses the data directory ({@link DataDirectoryLock}). */
    public Path lockFile() {
        return root.resolve("berth.lock");
    }

    /**
     * {@code metadata-location}: which metadata accounts for this directory's blobs (the embedded database, or a
     * PostgreSQL database by its URL), written when a server first opens it.
     */
    public Path metadataBindingFile() {
        return root.resolve("metadata-location");
    }

    /** {@code node-id}: the id of the node that serves this directory ({@link NodeId}), written at its first start. */
    public Path nodeIdFile() {
        return root.resolve("node-id");
    }

    /** {@code tmp}: files being written; everything in it is garbage after a restart. */
    public Path tmpDir() {
        return root.resolve("tmp");
    }

    /** {@code quarantine}: where the integrity check moves corrupt entries of {@code blobs/}. */
    public Path quarantineDir() {
        return root.resolve("quarantine");
    }

    /**
     * {@code quarantine/<time>/<path under blobs/>}: where the check that started at {@code checkStarted} moves
     * {@code blobsEntry}, a path under {@code blobs/}.
     */
    public Path quarantined(Path blobsEntry, Instant checkStarted) {
        Path blobs = root.resolve("blobs");
        Path entry = blobsEntry.toAbsolutePath().normalize();
        if (!entry.startsWith(blobs) || entry.equals(blobs)) {
            throw new IllegalArgumentException("not under " + blobs + ": " + blobsEntry);
        }
        return quarantineDir().resolve(QUARANTINE_TIME.format(checkStarted)).resolve(blobs.relativize(entry));
    }

    /** A fresh, unused name under {@code tmp/}. */
    public Path newTempFile() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return tmpDir().resolve(HexFormat.of().formatHex(bytes) + TEMP_SUFFIX);
    }
}
