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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;

/**
 * Upload sessions made blobs in the object store. A session's bytes are shipped to a multipart upload of the
 * object {@code blobs/<session id>} as soon as a whole part of the {@link PartPlan} is staged, a few parts at a time
 * on a pool of shipping threads; the commit ships what is left (the last part, and any that failed) and completes
 * the upload, so the bytes that move after the digest is known are one part when shipping keeps up. A blob of no
 * more than one part, which never filled one, goes in a single {@code PutObject}.
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
     * One session's multipart upload. Whole parts ship on {@value #LANES} lanes of the shipping pool (part n on
     * lane n mod {@value #LANES}, in order on each), so that a few parts of one blob are in flight at once: the
     * store writes each on a thread of its own.
     *
     * <p>Threading: the session calls {@link #grew}, {@link #cutBack}, {@link #finish} and {@link #abandon} one at a
     * time (under its own lock). Lane tasks run concurrently with {@link #grew} and with each other: what they share
     * is {@link #shipped} (a concurrent map) and the upload id (under this object's monitor). Cut back and finish wait for every lane to be idle first, and no task is queued while they run.
     */
    private final class Shipment {
        private static final int LANES = 3;

        private final String key;
        private final Path data;
        private final Path multipartFile;
        private final ConcurrentSkipListMap<Integer, CompletedPart> shipped = new ConcurrentSkipListMap<>();
        /** Guarded by this. */
        private String uploadId;
        /** The first part that no lane has been given: {@link #grew} gives each part once it is wholly staged. */
        private int unplanned = 1;
        @SuppressWarnings("unchecked")
        private final CompletableFuture<Void>[] lanes = new CompletableFuture[LANES];

        Shipment(UploadId session, Path data) {
            this.key = S3BlobStore.newKey(session.value());
            this.data = data;
            this.multipartFile = data.resolveSibling(MULTIPART_FILE);
            java.util.Arrays.fill(lanes, CompletableFuture.completedFuture(null));
            abortLeftOver();
        }

        void grew(long size) {
            for (; unplanned <= PartPlan.MAX_PARTS && PartPlan.end(unplanned) <= size; unplanned++) {
                int n = unplanned;
                int lane = n % LANES;
                lanes[lane] = lanes[lane].thenRunAsync(() -> shipWhole(n), shippers);
            }
        }

        /** Waits for the lanes, then forgets the parts that reach past {@code length}: they ship again. */
        void cutBack(long length) {
            await();
            shipped.keySet().removeIf(n -> PartPlan.end(n) > length);
            unplanned = length == 0 ? 1 : PartPlan.partAt(length - 1);
            while (shipped.containsKey(unplanned)) {
                unplanned++;
            }
        }

        /** Ships every part not shipped yet (the last one, and any that failed) and completes the object; its key. */
        String finish(long size) throws IOException {
            await();
            if (uploadId() == null && size <= PartPlan.size(1)) {
                S3Calls.run("store " + key, () -> s3.putObject(b -> b.bucket(bucket).key(key).contentLength(size),
                        RequestBody.fromContentProvider(() -> open(0, size), size, "application/octet-stream")));
                return key;
            }
            // A part shipped ends at or before the size (cut backs forget the others), so the parts that are there
            // are right as they are, the last one included when the blob ends on its boundary.
            int last = size == 0 ? 1 : PartPlan.partAt(size - 1);
            for (int n = 1; n <= last; n++) {
                if (!shipped.containsKey(n)) {
                    ship(n, PartPlan.start(n), Math.min(size, PartPlan.end(n)));
                }
            }
            List<CompletedPart> parts = new ArrayList<>(shipped.values());
            String id = uploadId();
            S3Calls.run("complete " + key, () -> s3.completeMultipartUpload(b -> b.bucket(bucket).key(key)
                    .uploadId(id).multipartUpload(m -> m.parts(parts))));
            forgetUploadId();
            Files.deleteIfExists(multipartFile);
            return key;
        }

        /**
         * The session is ending: waits for the parts in flight (they read its staged file, and the first one writes
         * the upload's id beside it, both of which are about to be removed), then aborts the upload unless it was
         * completed.
         */
        void abandon() {
            await();
            abort();
        }

        /** A whole part, shipped; a failure is logged and left to the commit, which ships every part missing. */
        private void shipWhole(int n) {
            try {
                ship(n, PartPlan.start(n), PartPlan.end(n));
            } catch (IOException | UncheckedIOException e) {
                LOG.log(System.Logger.Level.WARNING, "shipping part " + n + " of " + key + " failed; the commit sends it again", e);
            }
        }

        private void ship(int n, long start, long end) throws IOException {
            String id = startedUploadId();
            long length = end - start;
            String etag = S3Calls.call("ship part " + n + " of " + key, () -> s3.uploadPart(b -> b.bucket(bucket).key(key)
                    .uploadId(id).partNumber(n).contentLength(length),
                    RequestBody.fromContentProvider(() -> open(start, length), length, "application/octet-stream")).eTag());
            shipped.put(n, CompletedPart.builder().partNumber(n).eTag(etag).build());
        }

        private synchronized String uploadId() {
            return uploadId;
        }

        /** The multipart upload's id, started (and recorded beside the staged file) on first use. */
        private synchronized String startedUploadId() throws IOException {
            if (uploadId == null) {
                uploadId = S3Calls.call("start " + key, () -> s3.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId());
                Files.writeString(multipartFile, uploadId);
            }
            return uploadId;
        }

        private synchronized void forgetUploadId() {
            uploadId = null;
        }

        private FileRange open(long start, long length) {
            try {
                return new FileRange(data, start, length);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private void await() {
            CompletableFuture.allOf(lanes).join();
        }

        private synchronized void abort() {
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
                        + "; the expiry sweep does", e);
            }
        }

        /** A multipart upload that a previous run of this session started: aborted, its parts were never recorded. */
        private void abortLeftOver() {
            try {
                if (Files.exists(multipartFile)) {
                    synchronized (this) {
                        uploadId = Files.readString(multipartFile).trim();
                    }
                    abort();
                }
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "could not read " + multipartFile, e);
            }
        }
    }
}
