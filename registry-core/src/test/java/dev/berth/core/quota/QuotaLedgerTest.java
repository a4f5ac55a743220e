package dev.berth.core.quota;

import dev.berth.core.digest.Digest;
import dev.berth.core.error.OciErrorCode;
import dev.berth.core.error.Problem;
import dev.berth.core.error.RegistryException;
import dev.berth.core.link.BlobLinker;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.testing.CoreFixture;
import dev.berth.core.upload.BlobUpload;
import dev.berth.core.upload.UploadId;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.berth.core.testing.CoreFixture.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QuotaLedgerTest {
    private static final long MIB = 1024 * 1024;
    private static final RepositoryName APP = RepositoryName.parse("acme/app");
    private static final RepositoryName WEB = RepositoryName.parse("acme/web");

    private final CoreFixture f = new CoreFixture();
    private final QuotaLedger quota = f.quota;
    private final BlobLinker linker = f.linker;

    /** The digest of a blob that the blob store holds, as an upload's commit would have left it. */
    private Digest digestOf(int i) {
        byte[] content = bytes("blob " + i);
        Digest digest = Digest.sha256Of(content);
        f.blobs.put(digest, content);
        return digest;
    }

    private static void assertDenied(Runnable call) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(RegistryException.class, e -> {
            assertThat(e.ociCode()).contains(OciErrorCode.QUOTA_EXCEEDED);
            assertThat(e.getMessage()).contains("quota");
        });
    }

    @Test
    void refusesAReservationPastTheLimit() {
        f.withRegistry("acme", 100L);

        assertDenied(() -> quota.reserve(APP, UploadId.startedOn("0000beef"), 101));
    }

    @Test
    @SuppressWarnings("unchecked")
    void saysTheLimitAndTheUsageWhenItRefuses() {
        f.withRegistry("acme", 100L);
        f.linkBlob(APP, "0123456789");

        assertThatThrownBy(() -> quota.reserve(APP, UploadId.startedOn("0000beef"), 91))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.getMessage()).contains("100").contains("10");
                    assertThat((Map<Object, Object>) e.detail()).containsEntry("storage_limit_bytes", 100L).containsEntry("storage_used_bytes", 10L);
                });
    }

    @Test
    void acceptsAReservationAndALinkThatReachTheLimitExactly() {
        f.withRegistry("acme", 100L);
        UploadId upload = UploadId.startedOn("0000beef");

        quota.reserve(APP, upload, 100);
        linker.link(APP, digestOf(1), 100, upload);

        assertThat(f.tenantStore.usage("acme")).isEqualTo(100);
    }

    @Test
    void refusesALinkPastTheLimitAndLinksNothing() {
        f.withRegistry("acme", 100L);

        assertDenied(() -> linker.link(APP, digestOf(1), 101, null));

        assertThat(f.metadata.linkedBlobSize(APP, digestOf(1))).isEmpty();
        assertThat(f.tenantStore.usage("acme")).isZero();
    }

    @Test
    void chargesNothingForABlobTheRegistryAlreadyLinks() {
        f.withRegistry("acme", 100L);
        linker.link(APP, digestOf(1), 100, null);

        linker.link(WEB, digestOf(1), 100, null);

        assertThat(f.metadata.linkedBlobSize(WEB, digestOf(1))).hasValue(100);
        assertThat(f.tenantStore.usage("acme")).isEqualTo(100);
    }

    @Test
    void chargesABlobAgainInAnotherRegistry() {
        f.withRegistry("acme", null).withRegistry("other", 50L);
        linker.link(APP, digestOf(1), 60, null);

        assertDenied(() -> linker.link(RepositoryName.parse("other/app"), digestOf(1), 60, null));
    }

    @Test
    void refusesOthersWhileAReservationHoldsTheRoomAndAcceptsThemOnceReleased() {
        f.withRegistry("acme", 100L);
        UploadId first = UploadId.startedOn("0000beef");
        UploadId second = UploadId.startedOn("0000beef");
        quota.reserve(APP, first, 100);

        assertDenied(() -> quota.reserve(WEB, second, 1));

        quota.release(APP, first);
        assertThatCode(() -> quota.reserve(WEB, second, 100)).doesNotThrowAnyException();
    }

    @Test
    void convertsAReservationIntoUsageOnLink() {
        f.withRegistry("acme", 100L);
        UploadId upload = UploadId.startedOn("0000beef");
        quota.reserve(APP, upload, 60);

        linker.link(APP, digestOf(1), 60, upload);

        assertThatCode(() -> quota.reserve(APP, UploadId.startedOn("0000beef"), 40)).doesNotThrowAnyException();
    }

    @Test
    void refusesNothingWithoutALimit() {
        f.withRegistry("acme", null);

        quota.reserve(APP, UploadId.startedOn("0000beef"), Long.MAX_VALUE / 2);
        linker.link(APP, digestOf(1), Long.MAX_VALUE / 4, null);

        assertThat(f.tenantStore.usage("acme")).isEqualTo(Long.MAX_VALUE / 4);
    }

    @Test
    void refusesAReservationInARegistryThatDoesNotExist() {
        assertThatThrownBy(() -> quota.reserve(RepositoryName.parse("nowhere/app"), UploadId.startedOn("0000beef"), 1))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.ociCode()).contains(OciErrorCode.NAME_UNKNOWN));
    }

    @Test
    void refusesNewUploadsWhenTheLimitWasLoweredBelowTheUsage() {
        f.withRegistry("acme", 100L);
        linker.link(APP, digestOf(1), 80, null);
        f.tenants.update("acme", null, true, 50L);

        assertDenied(() -> quota.reserve(APP, UploadId.startedOn("0000beef"), 1));
        assertThat(f.metadata.linkedBlobSize(APP, digestOf(1))).hasValue(80);
    }

    @Test
    void letsTwoSmallUploadsThatTogetherFitReserveAtTheSameTime() {
        f.withRegistry("acme", 100L);

        quota.reserve(APP, UploadId.startedOn("0000beef"), 10);

        assertThatCode(() -> quota.reserve(WEB, UploadId.startedOn("0000beef"), 10)).doesNotThrowAnyException();
    }

    @Test
    void dropsTheReservationsOfUploadsThatNoLongerExist() {
        f.withRegistry("acme", 32 * MIB);
        UploadId dead = UploadId.startedOn("0000beef");
        UploadId alive = UploadId.startedOn("0000beef");
        quota.reserve(APP, dead, 16 * MIB);
        quota.reserve(WEB, alive, 16 * MIB);
        assertDenied(() -> quota.reserve(APP, UploadId.startedOn("0000beef"), 1));

        quota.retainOnly(alive::equals);

        assertThatCode(() -> quota.reserve(APP, UploadId.startedOn("0000beef"), 16 * MIB)).doesNotThrowAnyException();
        assertDenied(() -> quota.reserve(APP, UploadId.startedOn("0000beef"), 1));
    }

    @Test
    void concurrentReserversNeverOvershootTheLimit() throws Exception {
        // Each reserves 16 MiB (the ledger's own step, so nothing is rounded up); 100 MiB holds six of them.
        long each = 16 * MIB;
        long limit = 100 * MIB;
        f.withRegistry("acme", limit);
        int threads = 24;
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(threads);
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger unexpected = new AtomicInteger();
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            int n = i;
            Thread t = new Thread(() -> {
                try {
                    start.await();
                    UploadId upload = UploadId.startedOn("0000beef");
                    RepositoryName repo = RepositoryName.parse("acme/r" + n);
                    quota.reserve(repo, upload, each);
                    linker.link(repo, digestOf(n), each, upload);
                    accepted.incrementAndGet();
                } catch (RegistryException e) {
                    if (e.problem() != Problem.QUOTA_EXCEEDED) {
                        unexpected.incrementAndGet();
                    }
                } catch (Throwable e) {
                    unexpected.incrementAndGet();
                } finally {
                    done.countDown();
                }
            });
            workers.add(t);
            t.start();
        }
        start.countDown();
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();

        assertThat(unexpected).hasValue(0);
        assertThat(f.tenantStore.usage("acme")).isLessThanOrEqualTo(limit).isEqualTo(accepted.get() * each);
        assertThat(accepted).hasValue((int) (limit / each));
    }

    @Test
    void concurrentLinksOfNewBlobsNeverOvershootTheLimit() throws Exception {
        f.withRegistry("acme", 1000L);
        int threads = 32;
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(threads);
        for (int i = 0; i < threads; i++) {
            int n = i;
            new Thread(() -> {
                try {
                    start.await();
                    linker.link(RepositoryName.parse("acme/r" + (n % 4)), digestOf(n), 100, null);
                } catch (Exception ignored) {
                    // refused: over the limit
                } finally {
                    done.countDown();
                }
            }).start();
        }
        start.countDown();
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();

        assertThat(f.tenantStore.usage("acme")).isEqualTo(1000);
    }

    // ---- through the registry service ------------------------------------------------------------------

    @Test
    void aRefusedReservationDropsTheUploadSession() throws Exception {
        f.withRegistry("acme", 10L);
        BlobUpload upload = f.registry.startUpload(APP, "ci-bot");
        upload.append(ByteBuffer.wrap(bytes("more than ten bytes")));

        assertDenied(() -> f.registry.reserve(upload, upload.size()));

        assertThat(f.uploads.find(upload.id())).isEmpty();
    }

    @Test
    void aCompletedUploadHoldsNoReservation() throws Exception {
        f.withRegistry("acme", 100L);
        BlobUpload upload = f.registry.startUpload(APP, "ci-bot");
        upload.append(ByteBuffer.wrap(bytes("0123456789")));
        f.registry.reserve(upload, 10);

        f.registry.completeUpload(upload, Digest.sha256Of(bytes("0123456789")));

        assertThatCode(() -> quota.reserve(WEB, UploadId.startedOn("0000beef"), 90)).doesNotThrowAnyException();
    }

    @Test
    void aCancelledUploadHoldsNoReservation() {
        f.withRegistry("acme", 100L);
        BlobUpload upload = f.registry.startUpload(APP, "ci-bot");
        f.registry.reserve(upload, 100);

        f.registry.cancelUpload(upload);

        assertThatCode(() -> quota.reserve(WEB, UploadId.startedOn("0000beef"), 100)).doesNotThrowAnyException();
    }

    @Test
    void anUploadWhoseDigestDoesNotMatchHoldsNoReservation() throws Exception {
        f.withRegistry("acme", 100L);
        BlobUpload upload = f.registry.startUpload(APP, "ci-bot");
        upload.append(ByteBuffer.wrap(bytes("0123456789")));

        assertThatThrownBy(() -> f.registry.completeUpload(upload, digestOf(1))).isInstanceOf(RegistryException.class);

        assertThatCode(() -> quota.reserve(WEB, UploadId.startedOn("0000beef"), 100)).doesNotThrowAnyException();
    }

    @Test
    void anExpiredUploadHoldsNoReservation() {
        f.withRegistry("acme", 100L);
        BlobUpload upload = f.registry.startUpload(APP, "ci-bot");
        f.registry.reserve(upload, 100);
        f.clock.advance(java.time.Duration.ofDays(2));

        f.registry.expireUploads();

        assertThatCode(() -> quota.reserve(WEB, UploadId.startedOn("0000beef"), 100)).doesNotThrowAnyException();
    }

    @Test
    void completingAnUploadOfABlobTheRegistryAlreadyHoldsCostsNothingEvenWhenFull() throws Exception {
        f.withRegistry("acme", 10L);
        f.linkBlob(APP, "0123456789");
        BlobUpload upload = f.registry.startUpload(WEB, "ci-bot");
        upload.append(ByteBuffer.wrap(bytes("0123456789")));

        f.registry.completeUpload(upload, Digest.sha256Of(bytes("0123456789")));

        assertThat(f.tenantStore.usage("acme")).isEqualTo(10);
    }

    @Test
    void anIdleUploadGivesBackItsReservationAndReservesAgainWhenItWrites() {
        f.withRegistry("acme", 100L);
        BlobUpload idle = f.registry.startUpload(APP, "ci-bot");
        f.registry.reserve(idle, 60);
        f.clock.advance(java.time.Duration.ofMinutes(10));
        BlobUpload busy = f.registry.startUpload(APP, "ci-bot");
        f.registry.reserve(busy, 30);
        f.clock.advance(java.time.Duration.ofMinutes(6));
        assertDenied(() -> quota.reserve(WEB, UploadId.startedOn("0000beef"), 20));

        int released = f.registry.releaseIdleReservations(java.time.Duration.ofMinutes(15));

        assertThat(released).isEqualTo(1);
        assertThatCode(() -> quota.reserve(WEB, UploadId.startedOn("0000beef"), 70)).doesNotThrowAnyException();
        assertThat(f.registry.upload(APP, idle.id().value())).isSameAs(idle);
        assertDenied(() -> f.registry.reserve(idle, 60));
    }

    @Test
    void aWriteKeepsAnUploadsReservation() {
        f.withRegistry("acme", 100L);
        BlobUpload upload = f.registry.startUpload(APP, "ci-bot");
        f.registry.reserve(upload, 10);
        f.clock.advance(java.time.Duration.ofMinutes(14));
        f.registry.reserve(upload, 20);
        f.clock.advance(java.time.Duration.ofMinutes(14));

        assertThat(f.registry.releaseIdleReservations(java.time.Duration.ofMinutes(15))).isZero();
        assertDenied(() -> quota.reserve(WEB, UploadId.startedOn("0000beef"), 90));
    }
}
