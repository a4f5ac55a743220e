package dev.berth.storage.upload;

import dev.berth.core.error.RegistryException;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.upload.BlobUpload;
import dev.berth.core.upload.UploadSessionLimits;
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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The upload session caps over sessions on disk: what a restart finds is counted, exactly. */
class UploadSessionCountTest {
    private static final RepositoryName APP = RepositoryName.parse("acme/app");
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-01-02T03:04:05Z"), ZoneOffset.UTC);

    @TempDir
    Path dataDir;

    private FsUploadStore store(DataLayout layout) throws IOException {
        DiskReserve reserve = DiskReserve.of(layout.root(), 0);
        return new FsUploadStore(layout, reserve, new FsBlobStore(layout, reserve), CLOCK);
    }

    @Test
    void countsTheSessionsOnDiskAfterARestartByOwnerAndRegistry() throws IOException {
        DataLayout layout = new DataLayout(dataDir);
        FsUploadStore before = store(layout);
        UploadSessionLimits limits = new UploadSessionLimits(before, 3, 10);
        BlobUpload partial = limits.create(APP, "ci-bot");
        partial.append(ByteBuffer.wrap("half a layer".getBytes(StandardCharsets.UTF_8)));
        limits.create(APP, "ci-bot").append(ByteBuffer.wrap("a chunk".getBytes(StandardCharsets.UTF_8)));
        // An empty session lives in memory only: the restart forgets it, and its client opens another.
        limits.create(APP, "ci-bot");
        limits.create(APP, "other-bot").cancel();
        before.suspendAll();

        FsUploadStore after = store(layout);
        UploadSessionLimits restarted = new UploadSessionLimits(after, 3, 10);

        assertThat(restarted.openBy("ci-bot")).isEqualTo(2);
        assertThat(restarted.openBy("other-bot")).isZero();
        assertThat(restarted.openIn("acme")).isEqualTo(2);
        restarted.create(APP, "ci-bot");
        assertThatThrownBy(() -> restarted.create(APP, "ci-bot")).isInstanceOf(RegistryException.class);
        after.find(partial.id()).orElseThrow().cancel();
        assertThat(restarted.openBy("ci-bot")).isEqualTo(2);
    }

    @Test
    void readsASessionOfAnOlderVersionWithoutOwnerAsOwnedByNobody() throws IOException {
        DataLayout layout = new DataLayout(dataDir);
        FsUploadStore before = store(layout);
        BlobUpload session = before.create(APP, "ci-bot");
        session.append(ByteBuffer.wrap("a chunk".getBytes(StandardCharsets.UTF_8)));
        before.suspendAll();
        Path info = layout.uploadInfo(session.id());
        Files.writeString(info, Files.readString(info).replace("owner=ci-bot\n", ""));

        UploadSessionLimits restarted = new UploadSessionLimits(store(layout), 3, 10);

        assertThat(restarted.openBy("")).isEqualTo(1);
        assertThat(restarted.openIn("acme")).isEqualTo(1);
    }
}
