package dev.berth.storage.recovery;

import dev.berth.core.digest.Digest;
import dev.berth.core.blob.BlobStore;
import dev.berth.storage.layout.DataLayout;
import dev.berth.storage.meta.H2StoredDigests;
import dev.berth.storage.upload.FsUploadStore;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Brings the data directory back to a consistent state after a crash, before the server takes requests.
 *
 * <p>Steps, in order, each cheap enough for a large store (one pass, one stat per linked digest):
 * <ol>
 *   <li>create the directories the layout needs;</li>
 *   <li>delete everything in {@code tmp/}: files of writes that a crash interrupted before their rename;</li>
 *   <li>delete the upload sessions whose files are missing or torn;</li>
 *   <li>check the metadata against the blobs: drop the links and manifests whose blob file is missing.
 *       Blobs are made durable before they are linked, so this finds nothing unless files were lost or
 *       removed behind the server's back; each finding is logged.</li>
 * </ol>
 * Orphan blobs (stored, linked nowhere) are left alone: they are harmless, and garbage collection's job.
 */
public final class StartupRecovery {
    private static final System.Logger LOG = System.getLogger(StartupRecovery.class.getName());

    private final DataLayout layout;
    private final BlobStore blobs;
    private final FsUploadStore uploads;
    private final H2StoredDigests metadata;

    public StartupRecovery(DataLayout layout, BlobStore blobs, FsUploadStore uploads, H2StoredDigests metadata) {
        this.layout = layout;
        this.blobs = blobs;
        this.uploads = uploads;
        this.metadata = metadata;
    }

    /** What a run found and removed. */
    public record Report(int tempFiles, int uploadSessions, int danglingDigests, int metadataRowsRemoved) {
    }

    /** Creates the directories of the layout; safe to run before anything else opens the data directory. */
    public static void createDirectories(DataLayout layout) throws IOException {
        for (String algorithm : Digest.ALGORITHMS) {
            Files.createDirectories(layout.blobAlgorithmDir(algorithm));
        }
        Files.createDirectories(layout.uploadsDir());
        Files.createDirectories(layout.tmpDir());
    }

    public Report run() throws IOException {
        createDirectories(layout);
        int tempFiles = deleteTempFiles();
        int sessions = uploads.removeUnreadableSessions();
        List<Digest> missing = metadata.missingFrom(blobs);
        int rows = 0;
        for (Digest digest : missing) {
            int removed = metadata.forget(digest);
            LOG.log(System.Logger.Level.WARNING, "blob " + digest + " is missing from the blob store: removed "
                    + removed + " link(s) and manifest(s) that named it");
            rows += removed;
        }
        Report report = new Report(tempFiles, sessions, missing.size(), rows);
        if (tempFiles + sessions + missing.size() > 0) {
            LOG.log(System.Logger.Level.INFO, "startup recovery: " + report);
        }
        return report;
    }

    private int deleteTempFiles() throws IOException {
        int deleted = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(layout.tmpDir())) {
            for (Path entry : entries) {
                // tmp/ only ever holds plain files; anything else is not ours to recurse into.
                if (Files.deleteIfExists(entry)) {
                    deleted++;
                }
            }
        }
        return deleted;
    }
}
