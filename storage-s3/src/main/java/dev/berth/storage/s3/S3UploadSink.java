package dev.berth.storage.s3;

import dev.berth.core.digest.Digest;
import dev.berth.core.upload.UploadId;
import dev.berth.storage.upload.UploadSink;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;

/**
 * Upload sessions made blobs in the object store. A session's bytes are shipped to a multipart upload of the
 * object {@code blobs/<session id>} as soon as a whole part of the {@link PartPlan} is staged, one part after the
 * other on a pool of shipping threads; the commit ships what is left (the last part) and completes the upload, so
 * the bytes that move after the digest is known are at most one part. A blob of no more than one part, which
 * never filled one, goes in a single {@code PutObject}.
 *
 * <p>The multipart upload's id is written beside the session's staged file ({@code multipart}): a session resumed
 * after a restart aborts it and ships again from its first part, since the parts' state was in memory.
 */
public final class S3UploadSink implements UploadSink {
    private static final System.Logger LOG = System.getLogger(S3UploadSink.class.getName());
    private static final String MULTIPART_FILE = "multipart";

    private final S3Client s3;
    private final String bucket;
    private final S3BlobStore blobs;
    private final ExecutorService shippers;
    private final Map<UploadId, Shipment> shipments = new ConcurrentHashMap<>();

    /** @param shippers the threads that send parts; the caller shuts them down */
    public S3UploadSink(S3Client s3, String bucket, S3BlobStore blobs, ExecutorService shippers) {
        this.s3 = s3;
        this.bucket = bucket;
        this.blobs = blobs;
        this.shippers = shippers;
    }

    @Override
    public boolean stagedFileBecomesBlob() {
        return false;
    }

    @Override
    public void grew(UploadId session, Path data, long size) {
        shipment(session, data).grew(size);
    }

    @Override
    public void cutBack(UploadId session, long length) throws IOException {
        Shipment shipment = shipments.get(session);
        if (shipment != null) {
            shipment.cutBack(length);
        }
    }

    @Override
    public void commit(UploadId session, Path data, FileChannel file, long size, Digest digest) throws IOException {
        Shipment shipment = shipment(session, data);
        String key = shipment.finish(size);
        blobs.record(digest, key, size);
    }

    @Override
    public void ended(UploadId session) {
        Shipment shipment = shipments.remove(session);
        if (shipment != null) {
            shipment.abandon();
        }
    }

    /**
     * Aborts the multipart uploads of the bucket's {@code blobs/} started before {@code cutoff} (the upload
     * expiry): their sessions have expired on every node by then, and one whose id a crash kept from being
     * recorded is aborted nowhere else.
     */
    @Override
    public void expireBefore(Instant cutoff) throws IOException {
        List<MultipartUpload> stale = new ArrayList<>();
        S3Calls.run("list multipart uploads", () -> s3.listMultipartUploadsPaginator(b -> b.bucket(bucket)
                .prefix(S3BlobStore.newKey(""))).uploads().forEach(u -> {
                    if (u.initiated().isBefore(cutoff)) {
                        stale.add(u);
                    }
                }));
        for (MultipartUpload upload : stale) {
            S3Calls.run("abort " + upload.key(), () -> s3.abortMultipartUpload(b -> b.bucket(bucket)
                    .key(upload.key()).uploadId(upload.uploadId())));
        }
        if (!stale.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "aborted " + stale.size() + " multipart upload(s) started before " + cutoff);
        }
    }

    private Shipment shipment(UploadId session, Path data) {
        return shipments.computeIfAbsent(session, id -> new Shipment(id, data));
    }

    /**
     * One session's multipart upload. Parts ship in order on one lane ({@link #lane}) of the shipping pool.
     *
     * <p>Threading: the session calls {@link #grew}, {@link #cutBack}, {@link #finish} and {@link #abandon} one at a
     * time (under its own lock); the lane's tasks run one after the other. The part state ({@link #shipped},
     * {@link #uploadId}) belongs to the lane while it runs: cut back and finish wait for it to be idle first, and
     * no task is queued while they run, so the join hands the state over.
     */
    private final class Shipment {
        private final String key;
        private final Path data;
        private final Path multipartFile;
        private final TreeMap<Integer, CompletedPart> shipped = new TreeMap<>();
        private String uploadId;
        /** Bytes staged, as the session last said: what the lane may ship. */
        private volatile long staged;
        /** The first part no queued task ships: {@link #grew} queues a task when it is wholly staged. */
        private int unplanned = 1;
        private CompletableFuture<Void> lane = CompletableFuture.completedFuture(null);

        Shipment(UploadId session, Path data) {
            this.key = S3BlobStore.newKey(session.value());
            this.data = data;
            this.multipartFile = data.resolveSibling(MULTIPART_FILE);
            abortLeftOver();
        }

        void grew(long size) {
            staged = size;
            if (unplanned <= PartPlan.MAX_PARTS && PartPlan.end(unplanned) <= size) {
                unplanned = size >= PartPlan.end(PartPlan.MAX_PARTS) ? PartPlan.MAX_PARTS + 1 : PartPlan.partAt(size);
                lane = lane.thenRunAsync(this::shipWholeParts, shippers);
            }
        }

        /** Waits for the lane, then forgets the parts that reach past {@code length}: they ship again. */
        void cutBack(long length) {
            await();
            staged = length;
            shipped.entrySet().removeIf(e -> PartPlan.end(e.getKey()) > length);
            unplanned = nextPart();
        }

        /** Ships what is left and completes the object; its key. */
        String finish(long size) throws IOException {
            await();
            staged = size;
            if (uploadId == null && size <= PartPlan.size(1)) {
                S3Calls.run("store " + key, () -> s3.putObject(b -> b.bucket(bucket).key(key).contentLength(size),
                        RequestBody.fromContentProvider(() -> open(0, size), size, "application/octet-stream")));
                return key;
            }
            for (int n = nextPart(); PartPlan.start(n) < size || shipped.isEmpty(); n++) {
                ship(n, PartPlan.start(n), Math.min(size, PartPlan.end(n)));
            }
            List<CompletedPart> parts = new ArrayList<>(shipped.values());
            String id = uploadId;
            S3Calls.run("complete " + key, () -> s3.completeMultipartUpload(b -> b.bucket(bucket).key(key)
                    .uploadId(id).multipartUpload(m -> m.parts(parts))));
            uploadId = null;
            Files.deleteIfExists(multipartFile);
            return key;
        }

        /** The session ended without a finished upload: aborts it, on the lane, after any part in flight. */
        void abandon() {
            lane = lane.handle((ok, failure) -> null).thenRunAsync(this::abort, shippers);
        }

        /**
         * Ships every part now wholly staged. A failure is logged and left to the next task or the commit, which
         * ships from the first part not shipped; the lane itself never fails.
         */
        private void shipWholeParts() {
            try {
                for (int n = nextPart(); n <= PartPlan.MAX_PARTS && PartPlan.end(n) <= staged; n = nextPart()) {
                    ship(n, PartPlan.start(n), PartPlan.end(n));
                }
            } catch (IOException | UncheckedIOException e) {
                LOG.log(System.Logger.Level.WARNING, "shipping " + key + " failed; the next part or the commit tries again", e);
            }
        }

        private int nextPart() {
            return shipped.isEmpty() ? 1 : shipped.lastKey() + 1;
        }

        private void ship(int n, long start, long end) throws IOException {
            if (uploadId == null) {
                uploadId = S3Calls.call("start " + key, () -> s3.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId());
                Files.writeString(multipartFile, uploadId);
            }
            String id = uploadId;
            long length = end - start;
            String etag = S3Calls.call("ship part " + n + " of " + key, () -> s3.uploadPart(b -> b.bucket(bucket).key(key)
                    .uploadId(id).partNumber(n).contentLength(length),
                    RequestBody.fromContentProvider(() -> open(start, length), length, "application/octet-stream")).eTag());
            shipped.put(n, CompletedPart.builder().partNumber(n).eTag(etag).build());
        }

        private FileRange open(long start, long length) {
            try {
                return new FileRange(data, start, length);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private void await() {
            lane.join();
        }

        private void abort() {
            if (uploadId == null) {
                return;
            }
            String id = uploadId;
            uploadId = null;
            try {
                S3Calls.run("abort " + key, () -> s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(id)));
                Files.deleteIfExists(multipartFile);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "could not abort the multipart upload of " + key
                        + "; the bucket's lifecycle rule for incomplete uploads has to", e);
            }
        }

        /** A multipart upload that a previous run of this session started: aborted, its parts were never recorded. */
        private void abortLeftOver() {
            try {
                if (Files.exists(multipartFile)) {
                    uploadId = Files.readString(multipartFile).trim();
                    abort();
                }
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "could not read " + multipartFile, e);
            }
        }
    }
}
