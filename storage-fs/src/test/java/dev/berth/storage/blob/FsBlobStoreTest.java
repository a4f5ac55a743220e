package dev.berth.storage.blob;

import dev.berth.core.blob.BlobContent;
import dev.berth.core.digest.Digest;
import dev.berth.core.error.OciErrorCode;
import dev.berth.core.error.RegistryException;
import dev.berth.storage.layout.DataLayout;
import dev.berth.storage.space.DiskReserve;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FsBlobStoreTest {
    private static final byte[] CONTENT = "hello, berth".getBytes(StandardCharsets.UTF_8);
    private static final Digest DIGEST = Digest.sha256Of(CONTENT);

    @TempDir
    Path dataDir;
    private DataLayout layout;
    private FsBlobStore store;

    @BeforeEach
    void setUp() throws IOException {
        layout = new DataLayout(dataDir);
        store = new FsBlobStore(layout, DiskReserve.of(layout.root(), 0));
    }

    @Test
    void storesContentAtItsAddress() throws IOException {
        store.put(DIGEST, CONTENT);

        assertThat(layout.blobFile(DIGEST)).hasBinaryContent(CONTENT);
        assertThat(store.size(DIGEST)).hasValue(CONTENT.length);
        assertThat(store.readAll(DIGEST)).isEqualTo(CONTENT);
    }

    @Test
    void leavesNoTempFileBehind() throws IOException {
        store.put(DIGEST, CONTENT);

        try (var files = Files.list(layout.tmpDir())) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void keepsTheStoredFileWhenPutAgain() throws IOException {
        store.put(DIGEST, CONTENT);
        Object inode = inode(layout.blobFile(DIGEST));

        store.put(DIGEST, CONTENT);

        assertThat(inode(layout.blobFile(DIGEST))).isEqualTo(inode);
    }

    @Test
    void refusesContentThatDoesNotMatchItsDigest() {
        Digest other = Digest.sha256Of("other".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> store.put(other, CONTENT)).isInstanceOf(IllegalArgumentException.class);
        assertThat(layout.blobFile(other)).doesNotExist();
    }

    @Test
    void opensAWindowOfTheBlob() throws IOException {
        store.put(DIGEST, CONTENT);

        BlobContent.FileWindow content = (BlobContent.FileWindow) store.open(DIGEST, 7, 5);
        try (var channel = content.channel()) {
            ByteBuffer buffer = ByteBuffer.allocate(5);
            channel.read(buffer);

            assertThat(content.offset()).isEqualTo(7);
            assertThat(content.length()).isEqualTo(5);
            assertThat(new String(buffer.array(), StandardCharsets.UTF_8)).isEqualTo("berth");
        }
    }

    @Test
    void refusesAWindowPastTheEnd() throws IOException {
        store.put(DIGEST, CONTENT);

        assertThatThrownBy(() -> store.open(DIGEST, 7, CONTENT.length))
                .isInstanceOfSatisfying(RegistryException.class,
                        e -> assertThat(e.ociCode()).contains(OciErrorCode.RANGE_NOT_SATISFIABLE));
    }

    @Test
    void reportsAMissingBlobAsUnknown() throws IOException {
        assertThat(store.size(DIGEST)).isEmpty();
        assertThatThrownBy(() -> store.open(DIGEST, 0, 0))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.ociCode()).contains(OciErrorCode.BLOB_UNKNOWN));
        assertThatThrownBy(() -> store.readAll(DIGEST))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.ociCode()).contains(OciErrorCode.BLOB_UNKNOWN));
    }

    @Test
    void movesADurableFileIn() throws IOException {
        Path file = Files.createDirectories(layout.tmpDir()).resolve("incoming");
        Files.write(file, CONTENT);

        store.moveIn(file, DIGEST);

        assertThat(file).doesNotExist();
        assertThat(layout.blobFile(DIGEST)).hasBinaryContent(CONTENT);
    }

    @Test
    void dropsTheMovedFileWhenTheBlobIsAlreadyStored() throws IOException {
        store.put(DIGEST, CONTENT);
        Path file = Files.createDirectories(layout.tmpDir()).resolve("incoming");
        Files.write(file, CONTENT);

        store.moveIn(file, DIGEST);

        assertThat(file).doesNotExist();
        assertThat(layout.blobFile(DIGEST)).hasBinaryContent(CONTENT);
    }

    @Test
    void deletesABlob() throws IOException {
        store.put(DIGEST, CONTENT);

        store.delete(DIGEST);
        store.delete(DIGEST);

        assertThat(store.size(DIGEST)).isEmpty();
    }

    @Test
    void storesSha512ContentUnderBlobsSha512AndListsBothAlgorithms() throws IOException {
        Digest sha512 = Digest.compute(Digest.SHA512, CONTENT);
        store.put(DIGEST, CONTENT);
        store.put(sha512, CONTENT);
        Files.writeString(layout.blobsDir().resolve("node-id"), "0000beef");

        assertThat(layout.blobFile(sha512)).hasBinaryContent(CONTENT)
                .isEqualTo(layout.blobsDir().resolve("sha512").resolve(sha512.hex().substring(0, 2)).resolve(sha512.hex()));
        assertThat(store.size(sha512)).hasValue(CONTENT.length);
        assertThat(store.readAll(sha512)).isEqualTo(CONTENT);
        java.util.List<Digest> listed = new java.util.ArrayList<>();
        store.forEach(blob -> listed.add(blob.digest()));
        assertThat(listed).containsExactly(DIGEST, sha512);
        assertThatThrownBy(() -> store.put(Digest.compute(Digest.SHA512, "other".getBytes(StandardCharsets.UTF_8)), CONTENT))
                .isInstanceOf(IllegalArgumentException.class);

        store.delete(sha512);
        assertThat(store.size(sha512)).isEmpty();
        assertThat(store.size(DIGEST)).hasValue(CONTENT.length);
    }

    private static Object inode(Path file) throws IOException {
        return Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
    }
}
