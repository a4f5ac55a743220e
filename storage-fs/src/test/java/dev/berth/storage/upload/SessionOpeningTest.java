package dev.berth.storage.upload;

import dev.berth.core.name.RepositoryName;
import dev.berth.core.upload.BlobUpload;
import dev.berth.core.upload.UploadId;
import dev.berth.storage.blob.FsBlobStore;
import dev.berth.storage.layout.DataLayout;
import dev.berth.storage.space.DiskReserve;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A session appears complete or not at all: it is written under {@code <id>.new} and renamed into place. What
 * lists sessions meanwhile (an expiry sweep, a collection counting expired uploads) must neither see it nor take
 * it for a torn session and delete it under the request opening it.
 */
class SessionOpeningTest {
    private static final RepositoryName APP = RepositoryName.parse("acme/app");
    private static final Instant NOW = Instant.parse("2025-01-02T03:04:05Z");

    @TempDir
    Path dataDir;

    private FsUploadStore store(DataLayout layout) throws IOException {
        DiskReserve reserve = DiskReserve.of(layout.root(), 0);
        return new FsUploadStore(layout, reserve, new FsBlobStore(layout, reserve), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void anOpenedSessionLeavesNothingButItsOwnDirectory() throws IOException {
        DataLayout layout = new DataLayout(dataDir);
        BlobUpload upload = store(layout).create(APP, "ci-bot");

        try (Stream<Path> entries = Files.list(layout.uploadsDir())) {
            assertThat(entries).containsExactly(layout.uploadDir(upload.id()));
        }
        assertThat(layout.uploadInfo(upload.id())).isRegularFile();
        assertThat(layout.uploadData(upload.id())).isRegularFile();
    }

    @Test
    void aSessionBeingOpenedIsInvisibleToSweepsAndLeftToItsOpener() throws IOException {
        DataLayout layout = new DataLayout(dataDir);
        FsUploadStore store = store(layout);
        UploadId opening = UploadId.startedOn("0000beef");
        // What a concurrent create has written so far: its directory and data file, not yet its info file.
        Files.createDirectories(layout.uploadDirBeingOpened(opening));
        Files.createFile(layout.uploadDirBeingOpened(opening).resolve("data"));

        assertThat(store.openSessions()).isEmpty();
        assertThat(store.expireStartedBefore(NOW.plusSeconds(86_400))).isZero();
        assertThat(store.find(opening)).isEmpty();

        assertThat(layout.uploadDirBeingOpened(opening)).isDirectory();
    }

    @Test
    void aSessionLeftHalfOpenedByACrashIsRemovedAtStartup() throws IOException {
        DataLayout layout = new DataLayout(dataDir);
        UploadId opening = UploadId.startedOn("0000beef");
        Files.createDirectories(layout.uploadDirBeingOpened(opening));

        assertThat(store(layout).removeUnreadableSessions()).isEqualTo(1);

        assertThat(layout.uploadDirBeingOpened(opening)).doesNotExist();
    }

    @Test
    void aSessionOpensWhenTheUploadsDirectoryIsMissingAndWhenItIsThere() throws IOException {
        DataLayout layout = new DataLayout(dataDir);
        FsUploadStore store = store(layout);
        assertThat(layout.uploadsDir()).doesNotExist();

        BlobUpload first = store.create(APP, "ci-bot");
        BlobUpload second = store.create(APP, "ci-bot");

        assertThat(layout.uploadData(first.id())).isRegularFile();
        assertThat(layout.uploadData(second.id())).isRegularFile();
    }
}
