package dev.berth.storage.s3;

import dev.berth.core.blob.BlobContent;
import dev.berth.core.blob.StoredBlobFile;
import dev.berth.core.digest.Digest;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.testing.MutableClock;
import dev.berth.core.upload.BlobUpload;
import dev.berth.storage.layout.DataLayout;
import dev.berth.storage.meta.Database;
import dev.berth.storage.meta.H2BlobObjects;
import dev.berth.storage.s3.testing.S3ProxyServer;
import dev.berth.storage.space.DiskReserve;
import dev.berth.storage.upload.FsUploadStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The object-store blob store and its uploads against a real S3 server (S3Proxy, {@link S3ProxyServer}), with the
 * blob index in an embedded database: what is stored where, what a commit sends, what a cancel or a restart leaves.
 */
class S3StorageTest {
    private static final RepositoryName REPOSITORY = RepositoryName.parse("library/app");
    private static final int MIB = 1024 * 1024;

    @TempDir
    Path dataDir;
    private S3Location location;
    private S3Client s3;
    private Database database;
    private DataLayout layout;
    private S3BlobStore blobs;
    private ExecutorService shippers;
    private FsUploadStore uploads;

    @BeforeEach
    void setUp() throws Exception {
        S3ProxyServer server = S3ProxyServer.shared();
        location = new S3Location(server.endpoint(), server.newBucket(), null, true, false);
        s3 = location.client();
        layout = new DataLayout(dataDir);
        database = Database.open(layout);
        blobs = new S3BlobStore(s3, location.bucket(), new H2BlobObjects(database, new MutableClock(Instant.parse("2026-01-01T00:00:00Z"))), null);
        shippers = Executors.newFixedThreadPool(4);
        uploads = newUploadStore();
    }

    private FsUploadStore newUploadStore() throws IOException {
        return new FsUploadStore(layout, DiskReserve.of(dataDir, 0), new S3UploadSink(s3, location.bucket(), blobs, shippers),
                new MutableClock(Instant.parse("2026-01-01T00:00:00Z")));
    }

    @AfterEach
    void tearDown() throws Exception {
        shippers.shutdown();
        shippers.awaitTermination(30, TimeUnit.SECONDS);
        database.close();
        s3.close();
    }

    @Test
    void storesReadsWindowsAndDeletesSmallContent() throws IOException {
        byte[] content = "a manifest's bytes".getBytes();
        Digest digest = Digest.sha256Of(content);

        blobs.put(digest, content);
        blobs.put(digest, content);

        assertThat(blobs.size(digest)).hasValue(content.length);
        assertThat(blobs.readAll(digest)).isEqualTo(content);
        try (BlobContent window = blobs.open(digest, 2, 8)) {
            assertThat(((BlobContent.Stream) window).stream().readAllBytes()).isEqualTo("manifest".getBytes());
        }
        List<StoredBlobFile> listed = new ArrayList<>();
        blobs.forEach(listed::add);
        assertThat(listed).extracting(StoredBlobFile::digest).containsExactly(digest);
        assertThat(objectKeys()).hasSize(1);

        blobs.delete(digest);

        assertThat(blobs.size(digest)).isEmpty();
        assertThat(objectKeys()).isEmpty();
        assertThatThrownBy(() -> blobs.readAll(digest)).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void theCollectorsBatchDeletesAreTakenByAStoreThatRefusesTheSdksNewerChecksums() throws IOException {
        List<Digest> digests = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            byte[] content = ("blob " + i).getBytes();
            digests.add(Digest.sha256Of(content));
            blobs.put(digests.get(i), content);
        }
        List<ObjectIdentifier> keys = objectKeys().stream().map(key -> ObjectIdentifier.builder().key(key).build()).toList();

        DeleteObjectsResponse deleted = s3.deleteObjects(b -> b.bucket(location.bucket()).delete(d -> d.objects(keys)));

        assertThat(deleted.errors()).isEmpty();
        assertThat(objectKeys()).isEmpty();
    }

    @Test
    void aCollectionRemovesOnlyObjectsNoBlobIsRecordedInOnceTheyAreOldEnough() throws IOException {
        byte[] content = "a stored manifest".getBytes();
        blobs.put(Digest.sha256Of(content), content);
        String stray = S3BlobStore.newKey("0000beef00000000000000000000dead");
        s3.putObject(b -> b.bucket(location.bucket()).key(stray), RequestBody.fromString("an upload a crash left"));
        s3.putObject(b -> b.bucket(location.bucket()).key("elsewhere/object"), RequestBody.fromString("not a blob's"));
        Instant now = Instant.now();

        assertThat(blobs.removeStrays(now)).as("objects younger than a day").isZero();
        assertThat(objectKeys()).hasSize(3);

        assertThat(blobs.removeStrays(now.plus(S3BlobStore.STRAY_AFTER).plusSeconds(60))).isEqualTo(1);
        assertThat(objectKeys()).hasSize(2).doesNotContain(stray).contains("elsewhere/object");
        assertThat(blobs.readAll(Digest.sha256Of(content))).isEqualTo(content);
    }

    @Test
    void aNodeThatCachedWhereABlobWasReadsItWhereItIsAfterAnotherNodeCollectedAndStoredItAgain() throws IOException {
        S3BlobStore otherNode = new S3BlobStore(s3, location.bucket(),
                new H2BlobObjects(database, new MutableClock(Instant.parse("2026-01-01T00:00:00Z"))), null);
        byte[] content = "a layer pushed, collected and pushed again".getBytes();
        Digest digest = Digest.sha256Of(content);
        blobs.put(digest, content);
        assertThat(otherNode.readAll(digest)).isEqualTo(content);

        blobs.delete(digest);
        blobs.put(digest, content);
        assertThat(otherNode.readAll(digest)).isEqualTo(content);

        blobs.delete(digest);
        assertThatThrownBy(() -> otherNode.readAll(digest)).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void aLargeUploadShipsWholePartsAsTheyArriveAndTheCommitCompletesTheObjectWhereItWasSent() throws IOException {
        byte[] content = random(20 * MIB + 123);
        BlobUpload upload = uploads.create(REPOSITORY, "ci");

        appendInChunks(upload, content, 0, content.length, MIB);
        await(() -> uploadedParts().size() >= 2, "the two whole parts shipped before the commit");
        upload.commit(Digest.sha256Of(content));

        Digest digest = Digest.sha256Of(content);
        assertThat(objectKeys()).containsExactly("blobs/" + upload.id().value());
        assertThat(blobs.readAll(digest)).isEqualTo(content);
        assertThat(openMultipartUploads()).isZero();
    }

    @Test
    void aSmallUploadIsOnePutAndNoMultipartUpload() throws IOException {
        byte[] content = random(100_000);
        BlobUpload upload = uploads.create(REPOSITORY, "ci");
        appendInChunks(upload, content, 0, content.length, 30_000);

        upload.commit(Digest.sha256Of(content));

        assertThat(blobs.readAll(Digest.sha256Of(content))).isEqualTo(content);
        assertThat(openMultipartUploads()).isZero();
    }

    @Test
    void aSha512UploadAndASha512ManifestAreObjectsFoundByTheirSha512Digests() throws IOException {
        byte[] content = random(100_000);
        BlobUpload upload = uploads.create(REPOSITORY, "ci", Digest.SHA512);
        appendInChunks(upload, content, 0, content.length, 30_000);
        Digest digest = Digest.compute(Digest.SHA512, content);
        byte[] manifest = "{\"sha512\":true}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Digest manifestDigest = Digest.compute(Digest.SHA512, manifest);

        upload.commit(digest);
        blobs.put(manifestDigest, manifest);

        assertThat(blobs.readAll(digest)).isEqualTo(content);
        assertThat(blobs.size(digest)).hasValue(content.length);
        assertThat(blobs.size(Digest.sha256Of(content))).isEmpty();
        assertThat(blobs.readAll(manifestDigest)).isEqualTo(manifest);
        blobs.delete(digest);
        assertThat(blobs.size(digest)).isEmpty();
    }

    @Test
    void theSecondUploadOfADigestDeletesItsOwnObjectAndTheFirstStays() throws IOException {
        byte[] content = random(9 * MIB);
        Digest digest = Digest.sha256Of(content);
        BlobUpload first = uploads.create(REPOSITORY, "ci");
        BlobUpload second = uploads.create(REPOSITORY, "ci");
        appendInChunks(first, content, 0, content.length, MIB);
        appendInChunks(second, content, 0, content.length, MIB);

        first.commit(digest);
        second.commit(digest);

        assertThat(objectKeys()).containsExactly("blobs/" + first.id().value());
        assertThat(blobs.readAll(digest)).isEqualTo(content);
        assertThat(openMultipartUploads()).isZero();
    }

    @Test
    void aCutBackPastAShippedPartShipsItAgainWithTheNewBytes() throws IOException {
        byte[] content = random(12 * MIB);
        byte[] broken = random(4 * MIB);
        BlobUpload upload = uploads.create(REPOSITORY, "ci");
        appendInChunks(upload, content, 0, 6 * MIB, MIB);
        appendInChunks(upload, broken, 0, broken.length, MIB); // part 1 (8 MiB) now holds 2 MiB of wrong bytes
        await(() -> uploadedParts().size() == 1, "the part with the wrong bytes shipped");

        upload.truncate(6 * MIB);
        appendInChunks(upload, content, 6 * MIB, content.length, MIB);
        upload.commit(Digest.sha256Of(content));

        assertThat(blobs.readAll(Digest.sha256Of(content))).isEqualTo(content);
    }

    @Test
    void aCancelledUploadLeavesNoObjectAndNoMultipartUpload() throws IOException {
        BlobUpload upload = uploads.create(REPOSITORY, "ci");
        appendInChunks(upload, random(9 * MIB), 0, 9 * MIB, MIB);
        await(() -> openMultipartUploads() == 1, "part 1 shipped");

        upload.cancel();

        await(() -> openMultipartUploads() == 0, "the multipart upload aborted");
        assertThat(objectKeys()).isEmpty();
    }

    @Test
    void aSessionResumedAfterARestartAbortsTheOldMultipartUploadAndCompletesFromItsStagedBytes() throws IOException {
        byte[] content = random(18 * MIB);
        BlobUpload before = uploads.create(REPOSITORY, "ci");
        appendInChunks(before, content, 0, 10 * MIB, MIB);
        await(() -> uploadedParts().size() == 1, "part 1 shipped");
        uploads.suspendAll();

        FsUploadStore restarted = newUploadStore();
        BlobUpload after = restarted.find(before.id()).orElseThrow();
        appendInChunks(after, content, 10 * MIB, content.length, MIB);
        after.commit(Digest.sha256Of(content));

        assertThat(blobs.readAll(Digest.sha256Of(content))).isEqualTo(content);
        assertThat(openMultipartUploads()).isZero();
    }

    @Test
    void deletesManyBlobsWithBatchDeletes() throws IOException {
        List<Digest> digests = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            byte[] content = ("blob " + i).getBytes();
            digests.add(Digest.sha256Of(content));
            blobs.put(digests.get(i), content);
        }

        blobs.deleteAll(digests.subList(0, 4));

        assertThat(objectKeys()).hasSize(1);
        assertThat(blobs.size(digests.get(4))).isPresent();
        for (Digest gone : digests.subList(0, 4)) {
            assertThat(blobs.size(gone)).isEmpty();
        }
    }

    @Test
    void theExpirySweepAbortsMultipartUploadsThatNoSessionAccountsFor() throws IOException {
        String orphan = s3.createMultipartUpload(b -> b.bucket(location.bucket()).key("blobs/left-by-a-crash")).uploadId();
        s3.uploadPart(b -> b.bucket(location.bucket()).key("blobs/left-by-a-crash").uploadId(orphan).partNumber(1),
                software.amazon.awssdk.core.sync.RequestBody.fromBytes(random(1000)));

        uploads.expireStartedBefore(Instant.now().plusSeconds(60));

        assertThat(openMultipartUploads()).isZero();
    }

    @Test
    void aBlobWhoseObjectWentMissingReadsAsMissing() throws IOException {
        byte[] content = "gone".getBytes();
        Digest digest = Digest.sha256Of(content);
        blobs.put(digest, content);
        for (String key : objectKeys()) {
            s3.deleteObject(b -> b.bucket(location.bucket()).key(key));
        }

        assertThatThrownBy(() -> blobs.open(digest, 0, 4)).isInstanceOf(NoSuchFileException.class);
    }

    // ------------------------------------------------------------------------------------------ helpers

    private static void appendInChunks(BlobUpload upload, byte[] content, int from, int to, int chunk) throws IOException {
        for (int at = from; at < to; at += chunk) {
            upload.append(ByteBuffer.wrap(content, at, Math.min(chunk, to - at)));
        }
    }

    private List<String> objectKeys() {
        return s3.listObjectsV2Paginator(b -> b.bucket(location.bucket())).contents().stream().map(S3Object::key).toList();
    }

    private int openMultipartUploads() {
        return s3.listMultipartUploads(b -> b.bucket(location.bucket())).uploads().size();
    }

    private List<Integer> uploadedParts() {
        return s3.listMultipartUploads(b -> b.bucket(location.bucket())).uploads().stream()
                .flatMap(u -> s3.listParts(b -> b.bucket(location.bucket()).key(u.key()).uploadId(u.uploadId())).parts().stream())
                .map(p -> p.partNumber()).toList();
    }

    /** Polls a condition that background shipping makes true, for up to 30 seconds. */
    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 30 s: " + what);
            }
            Thread.onSpinWait();
        }
    }

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }
}
