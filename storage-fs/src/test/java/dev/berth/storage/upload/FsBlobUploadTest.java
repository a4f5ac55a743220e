package dev.berth.storage.upload;

import dev.berth.core.testing.MutableClock;
import dev.berth.core.digest.Digest;
import dev.berth.core.error.OciErrorCode;
import dev.berth.core.error.RegistryException;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.upload.BlobUpload;
import dev.berth.core.upload.UploadId;
import dev.berth.storage.blob.FsBlobStore;
import dev.berth.storage.layout.DataLayout;
import dev.berth.storage.space.DiskReserve;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FsBlobUploadTest {
    private static final RepositoryName REPOSITORY = RepositoryName.parse("library/alpine");
    private static final Instant T0 = Instant.parse("2025-01-02T03:04:05.123456789Z");

    @TempDir
    Path dataDir;
    private DataLayout layout;
    private FsBlobStore blobs;
    private MutableClock clock;
    private FsUploadStore uploads;

    @BeforeEach
    void setUp() throws IOException {
        layout = new DataLayout(dataDir);
        blobs = new FsBlobStore(layout, DiskReserve.of(layout.root(), 0));
        clock = new MutableClock(T0);
        uploads = new FsUploadStore(layout, blobs.reserve(), blobs, clock);
    }

    @Test
    void commitsAppendedChunksToTheContentAddress() throws IOException {
        BlobUpload upload = uploads.create(REPOSITORY, "ci-bot");
        ByteBuffer direct = ByteBuffer.allocateDirect(6).put(bytes("hello ")).flip();
        // A heap buffer whose content starts past its array's start, as a slice of a bigger read would.
        ByteBuffer slice = ByteBuffer.wrap(bytes("xxworld!")).position(2).limit(7);

        upload.append(direct);
        upload.append(slice);
        long size = upload.commit(sha256("hello world"));

        assertThat(size).isEqualTo(11);
        assertThat(direct.hasRemaining()).isFalse();
        assertThat(slice.hasRemaining()).isFalse();
        assertThat(layout.blobFile(sha256("hello world"))).hasBinaryContent(bytes("hello world"));
        assertNoSessionFiles(upload.id());
        assertThat(uploads.find(upload.id())).isEmpty();
    }

    @Test
    void hashesSmallAndLargeBatchesInTheOrderTheyArrive() throws IOException {
        // Large batches are hashed on the hash lane, small ones on the caller's thread once the lane is idle;
        // a small batch right behind a large one still waits its turn on the lane.
        byte[] large = new byte[3 * 1024 * 1024];
        byte[] small = new byte[64 * 1024];
        new Random(7).nextBytes(large);
        new Random(8).nextBytes(small);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        BlobUpload upload = uploads.create(REPOSITORY, "ci-bot");

        for (int round = 0; round < 3; round++) {
            upload.append(new ByteBuffer[] {ByteBuffer.wrap(small)}).toCompletableFuture().join();
            upload.append(new ByteBuffer[] {ByteBuffer.wrap(large)});
            upload.append(new ByteBuffer[] {ByteBuffer.wrap(small)});
            all.write(small);
            all.write(large);
            all.write(small);
        }
        Digest expected = Digest.sha256Of(all.toByteArray());

        assertThat(upload.commit(expected)).isEqualTo(all.size());
        assertThat(layout.blobFile(expected)).hasBinaryContent(all.toByteArray());
    }

    @Test
    void reportsTheSizeReceivedSoFar() throws IOException {
        BlobUpload upload = uploads.create(REPOSITORY, "ci-bot");

        upload.append(ByteBuffer.wrap(bytes("12345")));
        upload.append(ByteBuffer.wrap(bytes("678")));

        assertThat(upload.size()).isEqualTo(8);
        assertThat(upload.repository()).isEqualTo(REPOSITORY);
        assertThat(upload.startedAt()).isEqualTo(T0);
    }

    @Test
    void cutsBackToASizeAndCommitsWhatIsLeftUnderItsOwnDigest() throws IOException {
        BlobUpload upload = uploads.create(REPOSITORY, "ci-bot");
        upload.append(ByteBuffer.wrap(bytes("kept ")));
        byte[] large = new byte[3 * 1024 * 1024];
        new Random(9).nextBytes(large);
        // Large enough to be hashed on the lane, which the cut must not wait for nor let into the digest.
        upload.append(new ByteBuffer[] {ByteBuffer.wrap(large)});

        upload.truncate(5);
        upload.append(ByteBuffer.wrap(bytes("and more")));

        assertThat(upload.size()).isEqualTo(13);
        assertThat(upload.commit(sha256("kept and more"))).isEqualTo(13);
        assertThat(layout.blobFile(sha256("kept and more"))).hasBinaryContent(bytes("kept and more"));
    }

    @Test
    void truncatingToTheSizeItHoldsOrMoreChangesNothing() throws IOException {
        BlobUpload upload = uploads.create(REPOSITORY, "ci-bot");
        upload.append(ByteBuffer.wrap(bytes("abc")));

        upload.truncate(3);
        upload.truncate(10);

        assertThat(upload.size()).isEqualTo(3);
        assertThat(upload.commit(sha256("abc"))).isEqualTo(3);
    }

    @Test
    void keepsNothingWhenDigestDoesNotMatch() throws IOException {
        BlobUpload upload = uploads.create(REPOSITORY, "ci-bot");
        upload.append(ByteBuffer.wrap(bytes("hello")));

        assertThatThrownBy(() -> upload.commit(sha256("goodbye")))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.ociCode()).contains(OciErrorCode.DIGEST_INVALID));

        assertThat(layout.blobFile(sha256("goodbye"))).doesNotExist();
        assertThat(layout.blobFile(sha256("hello"))).doesNotExist();
        assertNoSessionFiles(upload.id());
        assertThat(uploads.find(upload.id())).isEmpty();
        assertThatThrownBy(() -> upload.append(ByteBuffer.wrap(bytes("more"))))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.ociCode()).contains(OciErrorCode.BLOB_UPLOAD_UNKNOWN));
    }

    @Test
    void refusesAMismatchedSha512Digest() throws IOException {
        BlobUpload upload = uploads.create(REPOSITORY, "ci-bot", "sha512");
        upload.append(ByteBuffer.wrap(bytes("hello")));

        assertThatThrownBy(() -> upload.commit(Digest.parse("sha512:" + "a".repeat(128))))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.ociCode()).contains(OciErrorCode.DIGEST_INVALID));
        assertThat(uploads.find(upload.id())).isEmpty();
    }

    @Test
    void commitsASha512SessionUnderBlobsSha512() throws IOException {
        BlobUpload upload = uploads.create(REPOSITORY, "ci-bot", "sha512");
        byte[] large = new byte[600 * 1024];
        new java.util.Random(7).nextBytes(large);
        upload.append(ByteBuffer.wrap(bytes("small ")));
        upload.append(new ByteBuffer[] {ByteBuffer.wrap(large)}).toCompletableFuture().join();
        byte[] all = java.util.Arrays.copyOf(bytes("small "), 6 + large.length);
        System.arraycopy(large, 0, all, 6, large.length);
        Digest digest = Digest.compute("sha512", all);

        assertThat(upload.digestAlgorithm()).isEqualTo("sha512");
        assertThat(upload.commit(digest)).isEqualTo(all.length);
        assertThat(layout.blobFile(digest)).hasBinaryContent(all);
        assertThat(layout.blobFile(digest).toString()).contains("/blobs/sha512/");
    }

    @Test
    void commitsUnderTheOtherAlgorithmThanTheSessionsByHashingTheFileAgain() throws IOException {
        BlobUpload sha256Session = uploads.create(REPOSITORY, "ci-bot");
        sha256Session.append(ByteBuffer.wrap(bytes("announced nothing")));
        Digest sha512 = Digest.compute("sha512", bytes("announced nothing"));
        BlobUpload sha512Session = uploads.create(REPOSITORY, "ci-bot", "sha512");
        sha512Session.append(ByteBuffer.wrap(bytes("announced sha512")));

        assertThat(sha256Session.commit(sha512)).isEqualTo(17);
        assertThat(sha512Session.commit(sha256("announced sha512"))).isEqualTo(16);
        assertThat(layout.blobFile(sha512)).hasBinaryContent(bytes("announced nothing"));
        assertThat(layout.blobFile(sha256("announced sha512"))).hasBinaryContent(bytes("announced sha512"));
    }

    @Test
    void resumesASha512SessionAfterTheStoreIsReopened() throws IOException {
        BlobUpload before = uploads.create(REPOSITORY, "ci-bot", "sha512");
        before.append(ByteBuffer.wrap(bytes("hello ")));
        uploads.suspendAll();

        BlobUpload after = new FsUploadStore(layout, blobs.reserve(), blobs, clock).find(before.id()).orElseThrow();

        assertThat(after.digestAlgorithm()).isEqualTo("sha512");
        after.append(ByteBuffer.wrap(bytes("world")));
        Digest digest = Digest.compute("sha512", bytes("hello world"));
        assertThat(after.commit(digest)).isEqualTo(11);
        assertThat(layout.blobFile(digest)).hasBinaryContent(bytes("hello world"));
    }

    @Test
    void readsASessionInfoWithoutADigestAlgorithmAsSha256() throws IOException {
        BlobUpload before = uploads.create(REPOSITORY, "ci-bot");
        before.append(ByteBuffer.wrap(bytes("old")));
        uploads.suspendAll();
        java.nio.file.Path info = layout.uploadInfo(before.id());
        java.nio.file.Files.writeString(info, java.nio.file.Files.readString(info).replace("digest-algorithm=sha256\n", ""));

        BlobUpload after = new FsUploadStore(layout, blobs.reserve(), blobs, clock).find(before.id()).orElseThrow();

        assertThat(after.digestAlgorithm()).isEqualTo("sha256");
        assertThat(after.commit(sha256("old"))).isEqualTo(3);
    }

    @Test
    void commitsAnEmptyBlob() throws IOException {
        BlobUpload upload = uploads.create(REPOSITORY, "ci-bot");

        assertThat(upload.commit(sha256(""))).isZero();
        assertThat(layout.blobFile(sha256(""))).isEmptyFile();
    }

    @Test
    void dropsTheUploadWhenTheBlobIsAlreadyStored() throws IOException {
        blobs.put(sha256("hello"), bytes("hello"));
        BlobUpload upload = uploads.create(REPOSITORY, "ci-bot");
        upload.append(ByteBuffer.wrap(bytes("hello")));

        assertThat(upload.commit(sha256("hello"))).isEqualTo(5);
        assertThat(layout.blobFile(sha256("hello"))).hasBinaryContent(bytes("hello"));
        assertNoSessionFiles(upload.id());
    }

    @Test
    void findsTheSameSessionObjectForEveryRequest() throws IOException {
        BlobUpload upload = uploads.create(REPOSITORY, "ci-bot");

        assertThat(uploads.find(upload.id())).containsSame(upload);
        assertThat(uploads.find(upload.id())).containsSame(upload);
        assertThat(uploads.find(UploadId.startedOn("0000beef"))).isEmpty();
    }

    @Test
    void resumesASessionAfterTheStoreIsReopened() throws IOException {
        BlobUpload before = uploads.create(REPOSITORY, "ci-bot");
        before.append(ByteBuffer.wrap(bytes("hello ")));
        uploads.suspendAll();

        FsUploadStore reopened = new FsUploadStore(layout, blobs.reserve(), blobs, clock);
        BlobUpload after = reopened.find(before.id()).orElseThrow();

        assertThat(after).isNotSameAs(before);
        assertThat(after.repository()).isEqualTo(REPOSITORY);
        assertThat(after.startedAt()).isEqualTo(T0);
        assertThat(after.size()).isEqualTo(6);
        after.append(ByteBuffer.wrap(bytes("world")));
        assertThat(after.commit(sha256("hello world"))).isEqualTo(11);
        assertThat(layout.blobFile(sha256("hello world"))).hasBinaryContent(bytes("hello world"));
    }

    @Test
    void commitsAResumedSessionWithNoNewBytes() throws IOException {
        BlobUpload before = uploads.create(REPOSITORY, "ci-bot");
        before.append(ByteBuffer.wrap(bytes("partial")));
        uploads.suspendAll();

        BlobUpload after = new FsUploadStore(layout, blobs.reserve(), blobs, clock).find(before.id()).orElseThrow();

        assertThat(after.commit(sha256("partial"))).isEqualTo(7);
    }

    @Test
    void cancelRemovesTheSessionFiles() throws IOException {
        BlobUpload upload = uploads.create(REPOSITORY, "ci-bot");
        upload.append(ByteBuffer.wrap(bytes("hello")));

        upload.cancel();

        assertNoSessionFiles(upload.id());
        assertThat(uploads.find(upload.id())).isEmpty();
        assertThat(new FsUploadStore(layout, blobs.reserve(), blobs, clock).find(upload.id())).isEmpty();
    }

    @Test
    void letsOneRequestAtATimeAcquireASession() throws Exception {
        BlobUpload upload = uploads.create(REPOSITORY, "ci-bot");
        int threads = 8;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Boolean>> attempts = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                Callable<Boolean> attempt = () -> {
                    start.await();
                    return upload.tryAcquire();
                };
                attempts.add(pool.submit(attempt));
            }
            start.countDown();
            int acquired = 0;
            for (Future<Boolean> attempt : attempts) {
                acquired += attempt.get() ? 1 : 0;
            }

            assertThat(acquired).isEqualTo(1);
            assertThat(upload.tryAcquire()).isFalse();
            upload.release();
            assertThat(upload.tryAcquire()).isTrue();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void expiresSessionsStartedBeforeTheCutoff() throws IOException {
        BlobUpload old = uploads.create(REPOSITORY, "ci-bot");
        old.append(ByteBuffer.wrap(bytes("old")));
        clock.advance(Duration.ofHours(2));
        BlobUpload recent = uploads.create(REPOSITORY, "ci-bot");

        int expired = uploads.expireStartedBefore(T0.plus(Duration.ofHours(1)));

        assertThat(expired).isEqualTo(1);
        assertNoSessionFiles(old.id());
        assertThat(uploads.find(old.id())).isEmpty();
        assertThat(uploads.find(recent.id())).containsSame(recent);
    }

    @Test
    void expiresSessionsLeftByAnEarlierRun() throws IOException {
        BlobUpload left = uploads.create(REPOSITORY, "ci-bot");
        left.append(ByteBuffer.wrap(bytes("left")));
        UploadId id = left.id();
        uploads.suspendAll();

        int expired = new FsUploadStore(layout, blobs.reserve(), blobs, clock).expireStartedBefore(T0.plusSeconds(1));

        assertThat(expired).isEqualTo(1);
        assertNoSessionFiles(id);
    }

    @Test
    void forgetsASessionWhoseInfoIsTorn() throws IOException {
        BlobUpload torn = uploads.create(REPOSITORY, "ci-bot");
        torn.append(ByteBuffer.wrap(bytes("torn")));
        UploadId id = torn.id();
        uploads.suspendAll();
        Files.writeString(layout.uploadInfo(id), "repository=library/alp");

        assertThat(new FsUploadStore(layout, blobs.reserve(), blobs, clock).find(id)).isEmpty();
        assertNoSessionFiles(id);
    }

    @Test
    void writesNothingForASessionThatOneRequestFillsAndCommits() throws IOException {
        BlobUpload upload = uploads.create(REPOSITORY, "ci-bot");
        assertThat(upload.tryAcquire()).isTrue();
        upload.append(ByteBuffer.wrap(bytes("one request")));

        assertThat(layout.uploadInfo(upload.id())).doesNotExist();
        upload.commit(sha256("one request"));
        upload.release();

        assertNoSessionFiles(upload.id());
        assertThat(layout.uploadsDir()).isEmptyDirectory();
    }

    @Test
    void writesASessionDownWhenAChunksRequestTakesIt() throws IOException {
        BlobUpload upload = uploads.create(REPOSITORY, "ci-bot");
        upload.tryAcquire();
        upload.release();
        assertThat(layout.uploadsDir()).doesNotExist();

        upload.tryAcquire();
        upload.keepAcrossRestarts();

        assertThat(layout.uploadData(upload.id())).isEmptyFile();
        assertThat(layout.uploadInfo(upload.id())).isRegularFile();
        BlobUpload found = new FsUploadStore(layout, blobs.reserve(), blobs, clock).find(upload.id()).orElseThrow();
        assertThat(found.size()).isZero();
        assertThat(found.owner()).isEqualTo("ci-bot");
    }

    @Test
    void writesASessionDownWhenARequestLetsItGoHoldingBytes() throws IOException {
        BlobUpload upload = uploads.create(REPOSITORY, "ci-bot");
        upload.tryAcquire();
        upload.append(ByteBuffer.wrap(bytes("broken off")));
        assertThat(layout.uploadInfo(upload.id())).doesNotExist();

        upload.release();

        assertThat(layout.uploadInfo(upload.id())).isRegularFile();
        upload.tryAcquire();
        upload.append(ByteBuffer.wrap(bytes(", resumed")));
        assertThat(new FsUploadStore(layout, blobs.reserve(), blobs, clock).find(upload.id()).orElseThrow().size())
                .isEqualTo(19);
    }

    @Test
    void forgetsAnEmptySessionAtARestartAndExpiresOneOnlyInMemory() throws IOException {
        BlobUpload empty = uploads.create(REPOSITORY, "ci-bot");
        empty.tryAcquire();
        empty.release();
        uploads.suspendAll();

        assertThat(new FsUploadStore(layout, blobs.reserve(), blobs, clock).find(empty.id())).isEmpty();
        // The store that opened it still has it, and its expiry finds it there.
        assertThat(uploads.expireStartedBefore(T0.plusSeconds(1))).isEqualTo(1);
        assertThat(uploads.find(empty.id())).isEmpty();
    }

    private void assertNoSessionFiles(UploadId id) {
        assertThat(layout.uploadData(id)).doesNotExist();
        assertThat(layout.uploadInfo(id)).doesNotExist();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static Digest sha256(String text) {
        return Digest.sha256Of(bytes(text));
    }
}
