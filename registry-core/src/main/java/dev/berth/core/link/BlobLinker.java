package dev.berth.core.link;

import dev.berth.core.blob.BlobStore;
import dev.berth.core.digest.Digest;
import dev.berth.core.metadata.BlobLink;
import dev.berth.core.metadata.BlobLinkStore;
import dev.berth.core.metadata.Durable;
import dev.berth.core.metadata.LinkCommit;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.quota.QuotaLedger;
import dev.berth.core.quota.QuotaLedger.LinkCharge;
import dev.berth.core.upload.UploadId;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * Links blobs into repositories: the step that makes a committed upload, a mount or a pushed manifest's
 * bytes part of a repository, charged to its registry's quota.
 *
 * <p>Links are group-committed, per registry. A thread that links while another link of the same registry is
 * being committed queues up; the next thread to take the registry's lock takes every queued link and has the
 * {@link QuotaLedger} charge them and write the accepted ones in one transaction
 * ({@link BlobLinkStore#commitLinks}). Many small uploads finishing together therefore pay for one commit, not
 * one each, and a refused link does not hold up the others. Every caller returns once its own link is
 * committed and durable, or throws why it was not.
 *
 * <p>The registry's lock is held until the group's transaction has committed, not until its commit is durable: each
 * caller waits for that after letting go ({@link LinkCommit#durable}), so that the registry's next group commits
 * while this one's commit is being written to the file. The next group may read what this one committed (a blob
 * now linked in the registry is not charged again); on the embedded database a commit is written together with
 * every commit before it, so a crash that takes this group's links away takes the next group's too, and neither
 * was acknowledged.
 */
public final class BlobLinker {
    private final BlobLinkStore store;
    private final QuotaLedger quota;
    private final BlobStore blobs;
    private final Map<String, RegistryQueue> queues = new ConcurrentHashMap<>();
    private final LongAdder links = new LongAdder();

    /**
     * The outcome of a link until its group commit says otherwise. One instance without a stack trace: it was a
     * new exception per link, whose stack trace was most of a small upload's allocation outside the database.
     */
    private static final RuntimeException UNFINISHED = new UnfinishedGroupCommit();

    /** Shared by the threads that may throw it, so it keeps neither a stack trace nor suppressed exceptions. */
    private static final class UnfinishedGroupCommit extends RuntimeException {
        UnfinishedGroupCommit() {
            super("the group commit of this link did not finish", null, false, false);
        }
    }

    /** A link waiting for its registry's next group commit. */
    private static final class PendingLink {
        final LinkCharge charge;
        /** Set by the thread that committed it; read by its own thread after taking the same monitor. */
        boolean done;
        RuntimeException failure;
        Durable durable = Durable.ALREADY;

        PendingLink(LinkCharge charge) {
            this.charge = charge;
        }
    }

    /** One registry's links waiting to be committed; its monitor is the registry's commit lock. */
    private static final class RegistryQueue {
        final Queue<PendingLink> pending = new ConcurrentLinkedQueue<>();
    }

    /** @param blobs tells, when a blob is linked nowhere, whether the garbage collector has removed its file */
    public BlobLinker(BlobLinkStore store, QuotaLedger quota, BlobStore blobs) {
        this.store = store;
        this.quota = quota;
        this.blobs = blobs;
    }

    /** How many links were asked for since the start: pushes at work while it moves (see {@code RemovalPace}). */
    public long linkCount() {
        return links.sum();
    }

    /**
     * Links a blob into a repository, charging its size when it is new to the registry, and ends the upload's
     * reservation. {@code DENIED} when the charge would pass the limit, {@code NAME_UNKNOWN} when the registry
     * does not exist, {@code BLOB_UNKNOWN} when the garbage collector removed the blob's file before the link
     * could take the blob's lock; nothing is linked then.
     *
     * @param upload the upload that brought the blob, whose reservation is converted; null for mounts and manifests
     */
    public void link(RepositoryName repository, Digest digest, long size, UploadId upload) {
        links.increment();
        RegistryQueue queue = queues.computeIfAbsent(repository.registry(), r -> new RegistryQueue());
        PendingLink mine = new PendingLink(new LinkCharge(new BlobLink(repository, digest, size), upload));
        queue.pending.add(mine);
        synchronized (queue) {
            // Whoever held the lock before may have committed this link with theirs; otherwise this thread
            // commits every link queued so far, its own included.
            if (!mine.done) {
                List<PendingLink> batch = new ArrayList<>();
                for (PendingLink next; (next = queue.pending.poll()) != null; ) {
                    batch.add(next);
                }
                commit(repository.registry(), batch);
            }
        }
        if (mine.failure != null) {
            throw mine.failure;
        }
        mine.durable.await();
    }

    private boolean isStored(Digest digest) {
        try {
            return blobs.size(digest).isPresent();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void commit(String registry, List<PendingLink> batch) {
        // Until the outcomes say otherwise, so that an Error thrown half-way acknowledges none of the batch.
        batch.forEach(p -> p.failure = UNFINISHED);
        try {
            Durable[] durable = {Durable.ALREADY};
            List<RuntimeException> outcomes = quota.chargeAndWrite(registry,
                    batch.stream().map(p -> p.charge).toList(), links -> {
                        LinkCommit commit = store.commitLinks(links, this::isStored);
                        durable[0] = commit.durable();
                        return commit.gone();
                    });
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).failure = outcomes.get(i);
                batch.get(i).durable = durable[0];
            }
        } finally {
            batch.forEach(p -> p.done = true);
        }
    }
}
