package dev.berth.conformance;

import dev.berth.conformance.Content.Blob;
import dev.berth.conformance.RegistryClient.Image;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.berth.conformance.OciAssertions.assertBody;
import static dev.berth.conformance.OciAssertions.assertError;
import static dev.berth.conformance.OciAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * A full disk, on a filesystem made for the test: a 96 MiB tmpfs holding the server's data directory, with
 * {@code --min-free-space 32m}. Uploads are refused with 507 and a message when they would eat into the
 * reserve, the partial upload is removed, what is stored is still served, the metadata store keeps
 * working, uploads work again once space is freed, and the server stops cleanly on SIGTERM.
 *
 * <p>Mounting needs root (as {@code .ci/run} runs); elsewhere the class is skipped.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DiskFullTest {
    private static final long MIB = 1024 * 1024;
    private static final String REPO = "library/full";

    private static Path mount;
    private static RegistryProcess server;
    private static RegistryClient client;
    private static Image stored;

    @BeforeAll
    static void mountASmallFilesystemAndStart() throws Exception {
        mount = Files.createTempDirectory("berth-diskfull-");
        assumeThat(run("mount", "-t", "tmpfs", "-o", "size=96m", "tmpfs", mount.toString()))
                .as("mounting a tmpfs (needs root)").isZero();
        server = RegistryProcess.startWithOptions(
                List.of("--data-dir", mount.resolve("data").toString(), "--min-free-space", "32m"));
        client = server.client();
        stored = client.pushImage(REPO, "stored", 2);
    }

    @AfterAll
    static void stopAndUnmount() throws Exception {
        if (server != null) {
            server.close();
        }
        if (mount != null) {
            run("umount", mount.toString());
            Files.deleteIfExists(mount);
        }
    }

    @Test
    @Order(1)
    void anUploadThatReachesTheReserveIsRefusedWith507AndRemoved() throws IOException {
        HttpResponse<byte[]> started = client.startUpload(REPO);
        assertStatus(started, 202);
        String location = OciAssertions.requireHeader(started, "Location");

        HttpResponse<byte[]> refused = null;
        long offset = 0;
        for (int i = 0; i < 96 && refused == null; i++) {
            HttpResponse<byte[]> chunk = client.patchChunk(location, Content.randomBytes((int) MIB), offset);
            if (chunk.statusCode() == 202) {
                offset += MIB;
                location = OciAssertions.requireHeader(chunk, "Location");
            } else {
                refused = chunk;
            }
        }

        assertThat(refused).as("an upload filling the disk is refused").isNotNull();
        assertError(refused, 507, "DENIED");
        assertThat(new String(refused.body())).contains("storage is full").doesNotContain("Exception");
        assertError(client.uploadStatus(location), 404, "BLOB_UPLOAD_UNKNOWN");
        assertThat(usable()).as("the partial upload's space is given back").isGreaterThan(60 * MIB);
        assertStoredIsServed();
    }

    @Test
    @Order(2)
    void belowTheReserveUploadsAndManifestsAreRefusedWhileReadsAndMetadataWritesGoOn() throws IOException {
        Path filler = mount.resolve("filler");
        fill(filler, usable() - 16 * MIB);
        try {
            assertError(client.startUpload(REPO), 507, "DENIED");
            Image another = RegistryClient.newImage(REPO, 1);
            assertError(client.putManifest(REPO, "another", another.manifest()), 400, "MANIFEST_BLOB_UNKNOWN");
            Content.Manifest index = Content.ociIndex().manifest(stored.manifest().descriptor(), "amd64").build();
            assertError(client.putManifest(REPO, "index", index), 507, "DENIED");

            assertStoredIsServed();
            assertStatus(server.management().get(ManagementClient.registryPath("library")), 200);
            // A metadata write that stores no blob data still commits: the reserve is the database's.
            assertStatus(client.deleteManifest(REPO, "stored"), 202);
            assertStatus(client.getManifest(REPO, stored.manifest().digest()), 200);
        } finally {
            Files.delete(filler);
        }

        Image after = client.pushImage(REPO, "after", 1);
        assertStatus(client.getManifest(REPO, "after"), 200);
        assertThat(after.layers()).hasSize(1);
    }

    @Test
    @Order(3)
    void anUploadDroppedForAFullDiskGivesBackItsQuotaReservation() throws IOException {
        String capped = server.management().createRegistry(ManagementClient.uniqueName("capped"), false, 50 * MIB)
                .get("name").asText();
        String repo = capped + "/app";
        HttpResponse<byte[]> started = client.startUpload(repo);
        String location = OciAssertions.requireHeader(started, "Location");
        HttpResponse<byte[]> written = client.patchChunk(location, Content.randomBytes((int) (30 * MIB)), 0);
        assertStatus(written, 202);
        location = OciAssertions.requireHeader(written, "Location");

        Path filler = mount.resolve("filler");
        fill(filler, usable() - 16 * MIB);
        try {
            assertError(client.patchChunk(location, Content.randomBytes((int) MIB), 30 * MIB), 507, "DENIED");
        } finally {
            Files.delete(filler);
        }

        // The 30 MiB the dropped session held must be free again under the registry's 50 MiB limit.
        Blob big = Content.randomBlob((int) (25 * MIB));
        client.pushBlob(repo, big);
        assertStatus(client.headBlob(repo, big.digest()), 200);
    }

    @Test
    @Order(4)
    void theServerStopsCleanlyAfterAFullDisk() {
        assertThat(server.stopsOnSigterm(Duration.ofSeconds(20))).isTrue();
    }

    private static void assertStoredIsServed() {
        assertStatus(client.getManifest(REPO, stored.manifest().digest()), 200);
        for (Blob blob : stored.blobs()) {
            HttpResponse<byte[]> pulled = client.getBlob(REPO, blob.digest());
            assertStatus(pulled, 200);
            assertBody(pulled, blob.bytes());
        }
    }

    private static long usable() throws IOException {
        return Files.getFileStore(mount).getUsableSpace();
    }

    private static void fill(Path file, long bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer block = ByteBuffer.allocate((int) MIB);
            for (long written = 0; written < bytes; ) {
                block.clear().limit((int) Math.min(MIB, bytes - written));
                written += channel.write(block);
            }
        }
    }

    private static int run(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            return process.waitFor(30, TimeUnit.SECONDS) ? process.exitValue() : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException(e));
        }
    }
}
