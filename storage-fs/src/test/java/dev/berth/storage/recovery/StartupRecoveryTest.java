package dev.berth.storage.recovery;

import dev.berth.core.digest.Digest;
import dev.berth.core.metadata.BlobLink;
import dev.berth.core.metadata.ManifestDependencies;
import dev.berth.core.metadata.ManifestRecord;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.name.Tag;
import dev.berth.core.upload.BlobUpload;
import dev.berth.storage.Storage;
import dev.berth.storage.layout.DataLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class StartupRecoveryTest {
    private static final RepositoryName REPOSITORY = RepositoryName.parse("library/alpine");

    @TempDir
    Path dataDir;

    @Test
    void createsTheLayoutInAnEmptyDirectory() throws IOException {
        try (Storage storage = Storage.open(dataDir.resolve("fresh"))) {
            DataLayout layout = storage.layout();

            assertThat(layout.blobsDir()).isDirectory();
            assertThat(layout.uploadsDir()).isDirectory();
            assertThat(layout.metaDir()).isDirectory();
            assertThat(layout.tmpDir()).isDirectory();
            assertThat(storage.recoveryReport()).isEqualTo(new StartupRecovery.Report(0, 0, 0, 0));
        }
    }

    @Test
    void deletesTempFilesOfInterruptedWrites() throws IOException {
        DataLayout layout = new DataLayout(dataDir);
        Path leftover = layout.newTempFile();
        Files.createDirectories(leftover.getParent());
        Files.writeString(leftover, "half a manifest");

        try (Storage storage = Storage.open(dataDir)) {
            assertThat(leftover).doesNotExist();
            assertThat(storage.recoveryReport().tempFiles()).isEqualTo(1);
        }
    }

    @Test
    void dropsUploadSessionsWhoseInfoIsUnreadable() throws IOException {
        BlobUpload torn;
        BlobUpload intact;
        try (Storage storage = Storage.open(dataDir)) {
            torn = storage.uploadStore().create(REPOSITORY, "ci-bot");
            torn.append(ByteBuffer.wrap(bytes("torn")));
            intact = storage.uploadStore().create(REPOSITORY, "ci-bot");
            intact.append(ByteBuffer.wrap(bytes("partial")));
        }
        DataLayout layout = new DataLayout(dataDir);
        Files.delete(layout.uploadInfo(torn.id()));
        Path stray = Files.createDirectories(layout.uploadsDir().resolve("not-a-session"));

        try (Storage storage = Storage.open(dataDir)) {
            assertThat(layout.uploadData(torn.id())).doesNotExist();
            assertThat(stray).doesNotExist();
            assertThat(storage.recoveryReport().uploadSessions()).isEqualTo(2);
            assertThat(storage.uploadStore().find(intact.id())).hasValueSatisfying(s -> assertThat(s.size()).isEqualTo(7));
        }
    }

    @Test
    void dropsLinksAndManifestsWhoseBlobIsMissing() throws IOException {
        Digest kept = Digest.sha256Of(bytes("kept"));
        Digest lost = Digest.sha256Of(bytes("lost"));
        Digest lostManifest = Digest.sha256Of(bytes("{\"lost\":true}"));
        try (Storage storage = Storage.open(dataDir)) {
            storage.tenantStore().create(REPOSITORY.registry(), false, null, Instant.parse("2025-01-01T00:00:00Z"));
            storage.blobStore().put(kept, bytes("kept"));
            storage.blobStore().put(lost, bytes("lost"));
            storage.blobStore().put(lostManifest, bytes("{\"lost\":true}"));
            storage.metadataStores().blobLinks().linkBlobs(List.of(new BlobLink(REPOSITORY, kept, 4)), d -> true);
            storage.metadataStores().blobLinks().linkBlobs(List.of(new BlobLink(REPOSITORY, lost, 4)), d -> true);
            storage.metadataStores().manifests().putManifest(REPOSITORY, new ManifestRecord(lostManifest,
                    "application/vnd.oci.image.manifest.v1+json", 13, List.of(kept), null, null, Map.of(),
                    Instant.parse("2025-01-01T00:00:00Z")), List.of(Tag.parse("latest")), ManifestDependencies.NONE);
        }
        DataLayout layout = new DataLayout(dataDir);
        Files.delete(layout.blobFile(lost));
        Files.delete(layout.blobFile(lostManifest));

        try (Storage storage = Storage.open(dataDir)) {
            assertThat(storage.metadataStores().blobLinks().linkedBlobSize(REPOSITORY, lost)).isEmpty();
            assertThat(storage.metadataStores().manifests().manifest(REPOSITORY, lostManifest)).isEmpty();
            assertThat(storage.metadataStores().tags().resolveTag(REPOSITORY, Tag.parse("latest"))).isEmpty();
            assertThat(storage.metadataStores().blobLinks().linkedBlobSize(REPOSITORY, kept)).hasValue(4);
            assertThat(storage.recoveryReport().danglingDigests()).isEqualTo(2);
            assertThat(storage.recoveryReport().metadataRowsRemoved()).isEqualTo(2);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
