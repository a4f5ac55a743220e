package dev.berth.core.link;

import dev.berth.core.digest.Digest;
import dev.berth.core.error.OciErrorCode;
import dev.berth.core.error.RegistryException;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.quota.QuotaLedger;
import dev.berth.core.testing.CoreFixture;
import dev.berth.core.upload.UploadId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static dev.berth.core.testing.CoreFixture.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Links that queue behind a commit in progress are checked one by one and written together; the next group commits
 * while the one before waits for its commit to be durable.
 */
class BlobLinkerTest {
    private static final RepositoryName APP = RepositoryName.parse("acme/app");

    private final CoreFixture f = new CoreFixture();
    private final QuotaLedger quota = f.quota;
    private final BlobLinker linker = f.linker;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final CountDownLatch firstCommitEntered = new CountDownLatch(1);
    private final CountDownLatch releaseFirstCommit = new CountDownLatch(1);
    private final List<Thread> linkers = new ArrayList<>();

    @AfterEach
    void stopThreads() {
        releaseFirstCommit.countDown();
        threads.shutdownNow();
    }

    /** The digest of a blob that the blob store holds, as an upload's commit would have left it. */
    private Digest digestOf(int i) {
        byte[] content = bytes("blob " + i);
        Digest digest = Digest.sha256Of(content);
        f.blobs.put(digest, content);
        return digest;
    }

    /** Holds the first commit open until {@link #releaseFirstCommit}; later commits pass. */
    private void holdFirstCommit() {
        f.metadata.beforeLinkCommit(() -> {
            if (firstCommitEntered.getCount() > 0) {
                firstCommitEntered.countDown();
                await(releaseFirstCommit);
            }
        });
    }

    private CompletableFuture<Void> linkAsync(Digest digest, long size, UploadId upload) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        threads.execute(() -> {
            synchronized (linkers) {
                linkers.add(Thread.currentThread());
            }
            try {
                linker.link(APP, digest, size, upload);
                done.complete(null);
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        return done;
    }

    /** Waits until {@code count} linker threads besides the first are blocked behind the commit in progress. */
    private void awaitQueuedBehind(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            int blocked;
            synchronized (linkers) {
                blocked = (int) linkers.stream().filter(t -> t.getState() == Thread.State.BLOCKED).count();
            }
            if (blocked >= count) {
                return;
            }
            Thread.sleep(2);
        }
        throw new AssertionError("linkers did not queue up");
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void linksQueuedBehindACommitAreWrittenInOneTransaction() throws Exception {
        f.withRegistry("acme", null);
        holdFirstCommit();
        CompletableFuture<Void> first = linkAsync(digestOf(0), 10, null);
        await(firstCommitEntered);
        List<CompletableFuture<Void>> queued = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            queued.add(linkAsync(digestOf(i), 10, null));
        }
        awaitQueuedBehind(5);

        releaseFirstCommit.countDown();
        first.get(10, TimeUnit.SECONDS);
        CompletableFuture.allOf(queued.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);

        assertThat(f.metadata.linkCommits()).isEqualTo(2);
        for (int i = 0; i <= 5; i++) {
            assertThat(f.metadata.linkedBlobSize(APP, digestOf(i))).hasValue(10);
        }
        assertThat(f.tenantStore.usage("acme")).isEqualTo(60);
    }

    @Test
    void theNextGroupCommitsWhileTheFirstWaitsForItsCommitToBeDurableAndNoLinkReturnsBeforeItsOwnIs() throws Exception {
        f.withRegistry("acme", null);
        CountDownLatch commitsEntered = new CountDownLatch(2);
        CountDownLatch firstWaitsForDurability = new CountDownLatch(1);
        CountDownLatch durable = new CountDownLatch(1);
        f.metadata.beforeLinkCommit(commitsEntered::countDown);
        f.metadata.whileLinksBecomeDurable(() -> {
            firstWaitsForDurability.countDown();
            await(durable);
        });
        CompletableFuture<Void> first = linkAsync(digestOf(0), 10, null);
        await(firstWaitsForDurability);

        CompletableFuture<Void> second = linkAsync(digestOf(1), 10, null);
        await(commitsEntered);
        assertThat(first).as("acknowledged before its commit is durable").isNotDone();

        durable.countDown();
        first.get(10, TimeUnit.SECONDS);
        second.get(10, TimeUnit.SECONDS);
        assertThat(f.metadata.linkCommits()).isEqualTo(2);
        assertThat(f.tenantStore.usage("acme")).isEqualTo(20);
    }

    @Test
    void aRefusedLinkInABatchLeavesTheOthersLinkedAndCountsWhatTheBatchCharged() throws Exception {
        f.withRegistry("acme", 100L);
        holdFirstCommit();
        CompletableFuture<Void> first = linkAsync(digestOf(0), 40, null);
        await(firstCommitEntered);
        CompletableFuture<Void> fits = linkAsync(digestOf(1), 40, null);
        awaitQueuedBehind(1);
        CompletableFuture<Void> tooBig = linkAsync(digestOf(2), 30, null);
        awaitQueuedBehind(2);
        CompletableFuture<Void> sameAsFits = linkAsync(digestOf(1), 40, null);
        awaitQueuedBehind(3);

        releaseFirstCommit.countDown();
        first.get(10, TimeUnit.SECONDS);
        fits.get(10, TimeUnit.SECONDS);
        sameAsFits.get(10, TimeUnit.SECONDS);
        assertThatThrownBy(() -> tooBig.get(10, TimeUnit.SECONDS)).cause()
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.ociCode()).contains(OciErrorCode.QUOTA_EXCEEDED));

        assertThat(f.metadata.linkedBlobSize(APP, digestOf(2))).isEmpty();
        assertThat(f.tenantStore.usage("acme")).isEqualTo(80);
    }

    @Test
    void aFailedCommitFailsEveryLinkOfItsBatchAndReleasesTheirReservations() {
        f.withRegistry("acme", 100L);
        UploadId upload = UploadId.startedOn("0000beef");
        quota.reserve(APP, upload, 90);
        f.metadata.beforeLinkCommit(() -> {
            throw new IllegalStateException("disk full");
        });

        assertThatThrownBy(() -> linker.link(APP, digestOf(1), 90, upload)).hasMessage("disk full");

        f.metadata.beforeLinkCommit(() -> { });
        quota.reserve(APP, UploadId.startedOn("0000beef"), 100);
    }
}
