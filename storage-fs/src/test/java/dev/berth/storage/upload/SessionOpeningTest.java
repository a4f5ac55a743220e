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
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A session is written to disk only once it is to outlive its request: opened, it is in memory; its first write
 * creates its {@code .data}; its {@code .info}, which is what makes it a session on disk, comes when a chunk's
 * request takes it or a request lets it go holding bytes. What lists sessions meanwhile (an expiry sweep, a collection counting expired uploads) must neither
 * see a {@code .data} alone nor take it for a torn session; startup recovery removes one a crash left.
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
    void anOpenedSessionWritesItsDataByItsFirstByteAndItsInfoWhenItIsLetGo() throws IOException {
        DataLayout layout = new DataLayout(dataDir);
        Files.createDirectories(layout.uploadsDir());
        FsUploadStore store = store(layout);
        BlobUpload upload = store.create(APP, "ci-bot");

        assertThat(layout.uploadsDir()).isEmptyDirectory();
        assertThat(store.find(upload.id())).containsSame(upload);

        upload.tryAcquire();
        upload.append(ByteBuffer.wrap("chunk".getBytes(StandardCharsets.UTF_8)));
        assertThat(layout.uploadData(upload.id())).hasContent("chunk");
        assertThat(layout.uploadInfo(upload.id())).doesNotExist();

        upload.release();
        assertThat(layout.uploadInfo(upload.id())).isRegularFile();
    }

    @Test
    void aDataFileWithoutItsInfoIsInvisibleToSweepsAndLeftToItsWriter() throws IOException {
        DataLayout layout = new DataLayout(dataDir);
        FsUploadStore store = store(layout);
        UploadId writing = UploadId.startedOn("0000beef");
        // What another session's first write has made so far: its data, not yet its info.
        Files.createDirectories(layout.uploadsDir());
        Files.createFile(layout.uploadData(writing));

        assertThat(store.openSessions()).isEmpty();
        assertThat(store.expireStartedBefore(NOW.plusSeconds(86_400))).isZero();
        assertThat(store.find(writing)).isEmpty();

        assertThat(layout.uploadData(writing)).isRegularFile();
    }

    @Test
    void aDataFileACrashLeftWithoutItsInfoIsRemovedAtStartup() throws IOException {
        DataLayout layout = new DataLayout(dataDir);
        UploadId unwritten = UploadId.startedOn("0000beef");
        Files.createDirectories(layout.uploadsDir());
        Files.createFile(layout.uploadData(unwritten));

        assertThat(store(layout).removeUnreadableSessions()).isEqualTo(1);

        assertThat(layout.uploadsDir()).isEmptyDirectory();
    }

    @Test
    void aTornInfoIsRemovedWithItsDataAndCountedOnce() throws IOException {
        DataLayout layout = new DataLayout(dataDir);
        UploadId torn = UploadId.startedOn("0000beef");
        Files.createDirectories(layout.uploadsDir());
        Files.writeString(layout.uploadData(torn), "partial");
        Files.writeString(layout.uploadInfo(torn), "repository=acme/app\nstarted-at=");

        assertThat(store(layout).removeUnreadableSessions()).isEqualTo(1);

        assertThat(layout.uploadsDir()).isEmptyDirectory();
    }

    @Test
    void aSessionOfTheEarlierDirectoryFormIsMovedIntoFilesAtStartup() throws IOException {
        DataLayout layout = new DataLayout(dataDir);
        UploadId kept = UploadId.startedOn("0000beef");
        Path directory = Files.createDirectories(layout.uploadsDir().resolve(kept.value()));
        Files.writeString(directory.resolve("data"), "partial");
        Files.writeString(directory.resolve("info"), "repository=acme/app\nowner=ci-bot\nstarted-at=" + NOW + "\nend=\n");
        // Half-opened and half-removed sessions of that form: gone at startup as before.
        UploadId halfOpened = UploadId.startedOn("0000beef");
        Files.createDirectories(layout.uploadsDir().resolve(halfOpened.value() + ".new"));
        UploadId halfRemoved = UploadId.startedOn("0000beef");
        Files.writeString(Files.createDirectories(layout.uploadsDir().resolve(halfRemoved.value())).resolve("data"), "x");
        FsUploadStore store = store(layout);

        assertThat(store.removeUnreadableSessions()).isEqualTo(2);

        try (var entries = Files.list(layout.uploadsDir())) {
            assertThat(entries).containsExactlyInAnyOrder(layout.uploadData(kept), layout.uploadInfo(kept));
        }
        BlobUpload found = store.find(kept).orElseThrow();
        assertThat(found.size()).isEqualTo(7);
        assertThat(found.owner()).isEqualTo("ci-bot");
        assertThat(found.startedAt()).isEqualTo(NOW);
    }

    @Test
    void aSessionWritesWhenTheUploadsDirectoryIsMissing() throws IOException {
        DataLayout layout = new DataLayout(dataDir);
        FsUploadStore store = store(layout);
        assertThat(layout.uploadsDir()).doesNotExist();

        BlobUpload first = store.create(APP, "ci-bot");
        first.append(ByteBuffer.wrap(new byte[] {1}));
        BlobUpload second = store.create(APP, "ci-bot");
        second.append(ByteBuffer.wrap(new byte[] {2}));

        assertThat(layout.uploadData(first.id())).isRegularFile();
        assertThat(layout.uploadData(second.id())).isRegularFile();
    }
}
