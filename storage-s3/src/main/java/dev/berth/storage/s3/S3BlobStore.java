package dev.berth.storage.s3;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.berth.core.blob.BlobContent;
import dev.berth.core.blob.BlobStore;
import dev.berth.core.blob.StoredBlobFile;
import dev.berth.core.digest.Digest;
import dev.berth.core.error.OciErrorCode;
import dev.berth.core.error.RegistryException;
import dev.berth.storage.meta.H2BlobObjects;
import dev.berth.storage.meta.H2BlobObjects.BlobObject;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Consumer;

/**
 * Blobs as objects of one bucket. An object is named when its bytes are first sent ({@code blobs/<id>}), never
 * after its digest, so that storing a blob never copies one: the {@code blob_objects} row ({@link H2BlobObjects})
 * is what makes a digest stored, and deleting the row is what makes it gone, before its object is deleted.
 *
 * <p>Whether a digest is stored ({@link #size}) is always asked of the index, inside the asking transaction: a link
 * asks it under the blob's row lock, which orders it against the collector ({@code docs/consistency.md}). Where a
 * stored digest's object is, for reads, is cached: a digest's object never changes while it is stored, so an entry
 * is right until the blob is deleted (this node forgets it once the row is gone; a delete by another node shows
 * as a missing object, which reads as a missing blob).
 */
public final class S3BlobStore implements BlobStore {
    private static final System.Logger LOG = System.getLogger(S3BlobStore.class.getName());
    private static final String BLOBS = "blobs/";
    /** How old an object no blob is recorded in must be to be taken for a stray. */
    static final Duration STRAY_AFTER = Duration.ofHours(24);
    private static final long CACHED_DIGESTS = 100_000;
    /** The most keys S3 deletes in one request. */
    private static final int DELETE_BATCH = 1000;

    private final S3Client s3;
    private final String bucket;
    private final H2BlobObjects objects;
    private final S3Presigner presigner;
    private volatile boolean batchDeletes = true;
    private final Cache<Digest, BlobObject> known = Caffeine.newBuilder().maximumSize(CACHED_DIGESTS).build();

    /** @param presigner signs download URLs for {@link #downloadUrl}, or null to serve every download through the node */
    public S3BlobStore(S3Client s3, String bucket, H2BlobObjects objects, S3Presigner presigner) {
        this.s3 = s3;
        this.bucket = bucket;
        this.objects = objects;
        this.presigner = presigner;
    }

    /** A presigned URL of the blob's object, valid for {@link S3Location#PRESIGNED_FOR}, when redirects are on. */
    @Override
    public Optional<URI> downloadUrl(Digest digest) throws IOException {
        if (presigner == null) {
            return Optional.empty();
        }
        BlobObject object = located(digest);
        try {
            return Optional.of(presigner.presignGetObject(p -> p.signatureDuration(S3Location.PRESIGNED_FOR)
                    .getObjectRequest(g -> g.bucket(bucket).key(object.key()))).url().toURI());
        } catch (URISyntaxException e) {
            throw new IOException("object store: a presigned URL that is not a URI: " + e.getMessage(), e);
        }
    }

    /** A new object name, for an upload or a small blob. */
    static String newKey(String id) {
        return BLOBS + id;
    }

    @Override
    public OptionalLong size(Digest digest) {
        return objects.find(digest).map(o -> OptionalLong.of(o.size())).orElse(OptionalLong.empty());
    }

    @Override
    public BlobContent open(Digest digest, long offset, long length) throws IOException {
        BlobObject object = located(digest);
        if (offset < 0 || length < 0 || offset > object.size() || length > object.size() - offset) {
            throw new RegistryException(OciErrorCode.RANGE_NOT_SATISFIABLE, "range outside the blob",
                    Map.of("digest", digest.value(), "size", object.size(), "offset", offset, "length", length));
        }
        if (length == 0) {
            return new BlobContent.Stream(InputStream.nullInputStream(), 0);
        }
        InputStream stream = read(digest, object, key -> s3.getObject(b -> b.bucket(bucket).key(key)
                .range("bytes=" + offset + "-" + (offset + length - 1)), ResponseTransformer.toInputStream()));
        return new BlobContent.Stream(stream, length);
    }

    @Override
    public byte[] readAll(Digest digest) throws IOException {
        return read(digest, located(digest), key -> s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray());
    }

    /** Stores small content (a manifest) in an object of its own, unless the digest is stored already. */
    @Override
    public void put(Digest digest, byte[] content) throws IOException {
        if (objects.find(digest).isPresent()) {
            return;
        }
        String key = newKey(UUID.randomUUID().toString());
        S3Calls.run("store " + digest, () -> s3.putObject(b -> b.bucket(bucket).key(key).contentLength((long) content.length),
                RequestBody.fromInputStream(new ByteArrayInputStream(content), content.length)));
        record(digest, key, content.length);
    }

    /**
     * Makes the object at {@code key}, which holds {@code size} bytes verified to be {@code digest}, the blob's;
     * when another object holds it already, this one is deleted instead.
     */
    void record(Digest digest, String key, long size) throws IOException {
        if (objects.claim(digest, key, size)) {
            known.put(digest, new BlobObject(key, size));
        } else {
            deleteObject(key);
        }
    }

    /** As {@link #deleteAll} does for several. */
    @Override
    public void delete(Digest digest) throws IOException {
        deleteAll(List.of(digest));
    }

    /**
     * Forgets the blobs (their rows, in one transaction, then this node's cache), then deletes their objects with
     * batch deletes of up to {@value #DELETE_BATCH} keys: a blob is never recorded with its object gone, even if
     * the object's deletion never happens (a crash leaves an object no row names, which a later collection
     * removes: {@link #removeStrays}). A store that does not implement the batch delete (it answers 501) gets
     * single deletes from then on.
     */
    @Override
    public void deleteAll(List<Digest> digests) throws IOException {
        List<String> keys = objects.removeAll(digests);
        known.invalidateAll(digests);
        deleteObjects(keys);
    }

    /**
     * Deletes the objects under {@code blobs/} that no blob is recorded in and that were written more than
     * {@link #STRAY_AFTER} ago: an upload commits (completes its object, then records it) in much less, so no
     * commit in progress can still claim one. They are what a crash between the two steps, or a delete that never
     * happened, leaves behind.
     */
    @Override
    public int removeStrays(Instant now) throws IOException {
        Instant cutoff = now.minus(STRAY_AFTER);
        List<String> strays = new ArrayList<>();
        S3Calls.run("list objects", () -> s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(BLOBS)).forEach(page -> {
            List<String> old = page.contents().stream().filter(o -> o.lastModified().isBefore(cutoff))
                    .map(S3Object::key).toList();
            strays.addAll(objects.unrecorded(old));
        }));
        deleteObjects(strays);
        return strays.size();
    }

    private void deleteObjects(List<String> keys) throws IOException {
        for (int from = 0; from < keys.size(); from += DELETE_BATCH) {
            List<String> batch = keys.subList(from, Math.min(keys.size(), from + DELETE_BATCH));
            if (!batchDeletes || !deleteBatch(batch)) {
                for (String key : batch) {
                    deleteObject(key);
                }
            }
        }
    }

    /** Deletes the objects in one request; false when the store does not implement it. */
    private boolean deleteBatch(List<String> keys) throws IOException {
        List<ObjectIdentifier> ids = keys.stream().map(key -> ObjectIdentifier.builder().key(key).build()).toList();
        DeleteObjectsResponse response;
        try {
            response = s3.deleteObjects(b -> b.bucket(bucket).delete(d -> d.objects(ids).quiet(true)));
        } catch (S3Exception e) {
            if (e.statusCode() != 501) {
                throw new IOException("object store: delete " + keys.size() + " objects: " + e.getMessage(), e);
            }
            batchDeletes = false;
            LOG.log(System.Logger.Level.INFO, "the object store does not take batch deletes (" + e.getMessage()
                    + "); deleting objects one by one");
            return false;
        } catch (SdkException e) {
            throw new IOException("object store: delete " + keys.size() + " objects: " + e.getMessage(), e);
        }
        if (!response.errors().isEmpty()) {
            throw new IOException("object store: " + response.errors().size() + " of " + keys.size()
                    + " objects not deleted, the first: " + response.errors().get(0));
        }
        return true;
    }

    /** The stored blobs, from the index: the collector's search for blobs no link accounts for. */
    @Override
    public void forEach(Consumer<StoredBlobFile> visitor) {
        objects.forEach(visitor);
    }

    void deleteObject(String key) throws IOException {
        S3Calls.run("delete " + key, () -> s3.deleteObject(b -> b.bucket(bucket).key(key)));
    }

    /** Where a stored blob is, for a read; {@link NoSuchFileException} when it is not stored. */
    private BlobObject located(Digest digest) throws NoSuchFileException {
        return find(digest).orElseThrow(() -> new NoSuchFileException(digest.value()));
    }

    /**
     * Reads the blob's object with {@code read}, given its key. An object missing under the key this node cached
     * was collected by another node since; the index then names the object of the blob pushed again, if it was,
     * and that one is read, else the blob is missing.
     */
    private <T> T read(Digest digest, BlobObject object, Function<String, T> read) throws IOException {
        return S3Calls.call("read " + digest, () -> {
            try {
                return read.apply(object.key());
            } catch (NoSuchKeyException e) {
                known.invalidate(digest);
                Optional<BlobObject> now = objects.find(digest).filter(o -> !o.key().equals(object.key()));
                if (now.isEmpty()) {
                    throw new NoSuchFileException(digest.value());
                }
                known.put(digest, now.get());
                try {
                    return read.apply(now.get().key());
                } catch (NoSuchKeyException gone) {
                    known.invalidate(digest);
                    throw new NoSuchFileException(digest.value());
                }
            }
        });
    }

    /** Where a stored blob is, for a read: from this node's cache, else the index. */
    private Optional<BlobObject> find(Digest digest) {
        BlobObject cached = known.getIfPresent(digest);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<BlobObject> found = objects.find(digest);
        found.ifPresent(o -> known.put(digest, o));
        return found;
    }

}
