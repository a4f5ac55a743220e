package dev.berth.core.registry;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.berth.core.blob.BlobContent;
import dev.berth.core.blob.BlobStore;
import dev.berth.core.digest.Digest;
import dev.berth.core.error.OciErrorCode;
import dev.berth.core.error.RegistryException;
import dev.berth.core.manifest.Descriptor;
import dev.berth.core.manifest.ManifestParser;
import dev.berth.core.manifest.MediaTypes;
import dev.berth.core.manifest.ParsedManifest;
import dev.berth.core.memory.CacheFootprint;
import dev.berth.core.memory.HeapEstimate;
import dev.berth.core.memory.MemoryOnly;
import dev.berth.core.metadata.ManifestDependencies;
import dev.berth.core.metadata.ManifestRecord;
import dev.berth.core.metadata.MetadataStores;
import dev.berth.core.metadata.RepositoryContents;
import dev.berth.core.name.Reference;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.name.Tag;
import dev.berth.core.link.BlobLinker;
import dev.berth.core.quota.QuotaLedger;
import dev.berth.core.tenant.TenantService;
import dev.berth.core.upload.BlobUpload;
import dev.berth.core.upload.UploadId;
import dev.berth.core.upload.UploadStore;
import dev.berth.core.usage.UsageRecorder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The registry's rules for pushing, pulling and deleting, over the three storage ports. Every method may
 * block on the disk or the metadata store: call it off the event loop.
 */
public final class RegistryService {
    private final MetadataStores metadata;
    private final BlobStore blobs;
    private final UploadStore uploads;
    private final TenantService tenants;
    private final QuotaLedger quota;
    private final BlobLinker linker;
    private final UsageRecorder usage;
    private final RegistryLimits limits;
    private final Clock clock;
    private final ManifestParser parser = new ManifestParser();
    /** Manifest bytes by digest: immutable content, so the cache never needs invalidating for correctness. */
    private final Cache<Digest, byte[]> manifestBytes;

    public RegistryService(MetadataStores metadata, BlobStore blobs, UploadStore uploads, TenantService tenants,
                           QuotaLedger quota, BlobLinker linker, UsageRecorder usage, RegistryLimits limits,
                           Clock clock) {
        this.metadata = metadata;
        this.blobs = blobs;
        this.uploads = uploads;
        this.tenants = tenants;
        this.quota = quota;
        this.linker = linker;
        this.usage = usage;
        this.limits = limits;
        this.manifestBytes = Caffeine.newBuilder()
                .maximumWeight(limits.manifestCacheBytes())
                .weigher((Digest digest, byte[] bytes) -> HeapEstimate.CACHE_ENTRY + HeapEstimate.digest(digest) + HeapEstimate.bytes(bytes))
                .build();
        this.clock = clock;
    }

    /** What the manifest cache holds, for the metrics. */
    public CacheFootprint manifestCacheFootprint() {
        return new CacheFootprint("manifests", manifestBytes);
    }

    public RegistryLimits limits() {
        return limits;
    }

    // ---- blobs ------------------------------------------------------------------------------------

    /** The blob as linked into the repository, or {@code BLOB_UNKNOWN}. */
    public BlobInfo statBlob(RepositoryName repository, Digest digest) {
        OptionalLong size = metadata.blobLinks().linkedBlobSize(repository, digest);
        if (size.isEmpty()) {
            throw RegistryException.blobUnknown(digest);
        }
        return new BlobInfo(digest, size.getAsLong());
    }

    /** Where the client may fetch a linked blob itself (the blob store's presigned URL), or empty. */
    public Optional<URI> blobUrl(BlobInfo blob) {
        try {
            return blobs.downloadUrl(blob.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Opens a window of a linked blob; the caller closes the channel. */
    public BlobContent openBlob(BlobInfo blob, long offset, long length) {
        try {
            return blobs.open(blob.digest(), offset, length);
        } catch (java.nio.file.NoSuchFileException e) {
            throw RegistryException.blobUnknown(blob.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Unlinks a blob from the repository. The file stays until nothing refers to it (garbage collection). */
    public void deleteBlob(RepositoryName repository, Digest digest) {
        // The store gives the bytes back to the registry's usage when this was its last link there.
        if (!metadata.blobLinks().unlinkBlob(repository, digest)) {
            throw RegistryException.blobUnknown(digest);
        }
    }

    // ---- uploads ----------------------------------------------------------------------------------

    /**
     * Opens an upload session for the user named {@code owner}, hashing with SHA-256; the repository's registry
     * must exist (pushes never create registries).
     */
    public BlobUpload startUpload(RepositoryName repository, String owner) {
        return startUpload(repository, owner, Digest.SHA256);
    }

    /**
     * Opens an upload session whose running hash is {@code digestAlgorithm} (see {@link #digestAlgorithm}); the
     * repository's registry must exist.
     */
    public BlobUpload startUpload(RepositoryName repository, String owner, String digestAlgorithm) {
        tenants.requireExists(repository.registry());
        try {
            return uploads.create(repository, owner, digestAlgorithm);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Links a blob from another repository without moving bytes: from {@code from} when given (and it
     * links the blob), else from any repository that links it and that the caller may read. Empty when the
     * blob cannot be mounted, in which case the client gets an ordinary upload session.
     */
    public Optional<BlobInfo> mount(RepositoryName repository, Digest digest, RepositoryName from,
                                    Predicate<RepositoryName> readable) {
        tenants.requireExists(repository.registry());
        Optional<RepositoryName> source = from != null ? Optional.of(from)
                : metadata.blobLinks().anyRepositoryLinking(digest).filter(readable);
        if (source.isEmpty()) {
            return Optional.empty();
        }
        OptionalLong size = metadata.blobLinks().linkedBlobSize(source.get(), digest);
        if (size.isEmpty()) {
            return Optional.empty();
        }
        try {
            linker.link(repository, digest, size.getAsLong(), null);
        } catch (RegistryException gone) {
            if (!gone.ociCode().equals(Optional.of(OciErrorCode.BLOB_UNKNOWN))) {
                throw gone;
            }
            // Collected between the look-up and the link: the client uploads it instead.
            return Optional.empty();
        }
        return Optional.of(new BlobInfo(digest, size.getAsLong()));
    }

    /**
     * Reserves quota for an upload that is about to hold {@code totalBytes}; {@code DENIED} when its registry's
     * limit would be passed, in which case the session is dropped so that nothing of it is kept.
     */
    public void reserve(BlobUpload upload, long totalBytes) {
        try {
            quota.reserve(upload.repository(), upload.id(), totalBytes);
        } catch (RegistryException refused) {
            cancelUpload(upload);
            throw refused;
        }
    }

    /** The open session {@code id} of the repository, or {@code BLOB_UPLOAD_UNKNOWN}. */
    public BlobUpload upload(RepositoryName repository, String id) {
        UploadId uploadId = UploadId.parse(id);
        try {
            return uploads.find(uploadId)
                    .filter(u -> u.repository().equals(repository))
                    .orElseThrow(() -> RegistryException.uploadUnknown(id));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Checks that a chunk declared to start at {@code start} continues the upload where it ends. */
    public void checkChunkStart(BlobUpload upload, long start) {
        if (start != upload.size()) {
            throw new RegistryException(OciErrorCode.RANGE_NOT_SATISFIABLE,
                    "chunk starts at " + start + " but the upload holds " + upload.size() + " bytes");
        }
    }

    /**
     * Refuses a digest that no blob can be stored under (any algorithm but SHA-256 and SHA-512): an upload asks
     * this before it takes a byte of its body, so that a refused request leaves its session as it was.
     */
    public void checkBlobDigest(Digest digest) {
        if (!Digest.isSupportedAlgorithm(digest.algorithm())) {
            throw new RegistryException(OciErrorCode.PARAMETER_INVALID,
                    "unsupported digest algorithm for blobs: " + digest.algorithm());
        }
    }

    /**
     * The algorithm an upload session is to hash with, from the {@code ?digest-algorithm=} of its {@code POST}
     * ({@code null} when absent: SHA-256). An algorithm content cannot be stored under is {@code UNSUPPORTED}
     * with 400 ({@code PARAMETER_INVALID}), as the spec's failure statuses for that endpoint allow.
     */
    public static String digestAlgorithm(String requested) {
        if (requested == null) {
            return Digest.SHA256;
        }
        if (!Digest.isSupportedAlgorithm(requested)) {
            throw new RegistryException(OciErrorCode.PARAMETER_INVALID, "unsupported digest-algorithm: " + requested
                    + " (supported: " + String.join(", ", Digest.ALGORITHMS) + ")");
        }
        return requested;
    }

    /**
     * Finishes a blob push: the upload becomes the blob {@code digest}, linked into the repository. The steps
     * run in this order so that nothing is linked that is not durable and verified, and nothing is left held
     * when a step refuses: verify the digest, admit the quota charge, commit the file, link, release. In the rare
     * case that the garbage collector removed a file of the same digest between the commit and the link (that
     * blob's last link went a grace period ago), the link answers {@code BLOB_UNKNOWN} and the client uploads it
     * again: the upload is never acknowledged with its file gone.
     */
    public BlobInfo completeUpload(BlobUpload upload, Digest digest) {
        checkBlobDigest(digest);
        admitQuota(upload, digest);
        try {
            long size = commitFile(upload, digest);
            linker.link(upload.repository(), digest, size, upload.id());
            usage.uploaded(upload.repository(), size);
            return new BlobInfo(digest, size);
        } finally {
            quota.release(upload.repository(), upload.id());
        }
    }

    /**
     * Refuses, before the file is moved, an upload whose blob its registry has no room for; the session is
     * dropped then. The link checks again: this only saves committing a file that cannot be linked.
     */
    private void admitQuota(BlobUpload upload, Digest digest) {
        try {
            quota.admit(upload.repository(), digest, upload.size(), upload.id());
        } catch (RegistryException refused) {
            cancelUpload(upload);
            throw refused;
        }
    }

    /**
     * Checks the streamed digest of what was written against {@code digest} ({@code DIGEST_INVALID} when they
     * differ) and moves the data into the blob store, durably; returns the blob's size.
     */
    private static long commitFile(BlobUpload upload, Digest digest) {
        try {
            return upload.commit(digest);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Drops an upload session, its data and its quota reservation. */
    public void cancelUpload(BlobUpload upload) {
        try {
            upload.cancel();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            quota.release(upload.repository(), upload.id());
        }
    }

    /** Removes upload sessions older than the configured expiry; returns how many. */
    public int expireUploads() {
        try {
            int expired = uploads.expireStartedBefore(clock.instant().minus(limits.uploadExpiry()));
            quota.retainOnly(this::uploadExists);
            return expired;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How many upload sessions {@link #expireUploads} would remove now. */
    public int countExpiredUploads() {
        Instant cutoff = clock.instant().minus(limits.uploadExpiry());
        try {
            return (int) uploads.openSessions().stream().filter(u -> u.startedAt().isBefore(cutoff)).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Gives back the quota reservations of uploads that have written nothing for {@code idle}; the sessions
     * stay valid and reserve again when they write. Returns how many were released.
     */
    public int releaseIdleReservations(Duration idle) {
        return quota.releaseIdle(clock.instant().minus(idle));
    }

    private boolean uploadExists(UploadId id) {
        try {
            return uploads.find(id).isPresent();
        } catch (IOException e) {
            return true;
        }
    }

    // ---- manifests --------------------------------------------------------------------------------

    /** As {@link #putManifest(RepositoryName, Reference, List, String, byte[], String)}, with no tags beside the reference. */
    public PushedManifest putManifest(RepositoryName repository, Reference reference, String contentType, byte[] body,
                                      String actor) {
        return putManifest(repository, reference, List.of(), contentType, body, actor);
    }

    /**
     * Validates and stores a manifest, and points at it the reference when it is a tag and every one of {@code tags}
     * (a push by digest may name tags), all in the transaction that records it. Everything it references must
     * already be in the repository: blobs linked, child manifests stored, checked atomically with the write (a
     * concurrent delete either loses, or makes this push fail with {@code MANIFEST_BLOB_UNKNOWN}). Each tag is a
     * push in the repository's history.
     */
    public PushedManifest putManifest(RepositoryName repository, Reference reference, List<Tag> tags, String contentType,
                                      byte[] body, String actor) {
        tenants.requireExists(repository.registry());
        if (body.length > limits.maxManifestBytes()) {
            throw new RegistryException(OciErrorCode.MANIFEST_TOO_LARGE,
                    "manifest exceeds " + limits.maxManifestBytes() + " bytes", java.util.Map.of("size", body.length));
        }
        // Pushed by digest, the manifest is stored under that digest's algorithm (the spec: the digest the client
        // names is the one the registry answers with); pushed by tag, under SHA-256.
        Digest digest = reference instanceof Digest named ? Digest.compute(named.algorithm(), body) : Digest.sha256Of(body);
        if (reference instanceof Digest expected && !expected.equals(digest)) {
            throw RegistryException.digestInvalid("manifest digest " + digest + " does not match the reference " + expected);
        }
        ParsedManifest manifest = parser.parse(body, contentType);
        ManifestDependencies dependencies = ManifestDependencies.of(manifest);
        // Refused early, before anything is stored, in the common case of a client that did not upload
        // everything; the store checks again in the transaction that records the manifest.
        dependencies.verify(RepositoryContents.of(metadata, repository));
        storeAndLink(repository, digest, body);
        ManifestRecord record = new ManifestRecord(digest, manifest.mediaType(), body.length, manifest.references(),
                manifest.subject() == null ? null : manifest.subject().digest(), manifest.artifactType(),
                manifest.annotations(), clock.instant());
        Set<Tag> pointed = new LinkedHashSet<>();
        if (reference instanceof Tag tag) {
            pointed.add(tag);
        }
        pointed.addAll(tags);
        metadata.manifests().putManifest(repository, record, List.copyOf(pointed),
                dependencies.andBlob(new Descriptor(manifest.mediaType(), digest, body.length, null, null)));
        usage.uploaded(repository, body.length);
        if (pointed.isEmpty()) {
            usage.pushed(repository, reference.value(), digest, body.length, actor);
        }
        pointed.forEach(tag -> usage.pushed(repository, tag.value(), digest, body.length, actor));
        return new PushedManifest(digest, record.subject(), List.copyOf(pointed));
    }

    /**
     * Stores a manifest's bytes and links them. Unlike an upload's, these bytes are still at hand when the garbage
     * collector removed a file of the same digest between the store and the link: they are stored again.
     */
    private void storeAndLink(RepositoryName repository, Digest digest, byte[] body) {
        for (int attempt = 1; ; attempt++) {
            try {
                blobs.put(digest, body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            try {
                linker.link(repository, digest, body.length, null);
                break;
            } catch (RegistryException gone) {
                if (!gone.ociCode().equals(Optional.of(OciErrorCode.BLOB_UNKNOWN)) || attempt == 3) {
                    throw gone;
                }
            }
        }
        manifestBytes.put(digest, body);
    }

    /** The manifest under a tag or digest, or {@code MANIFEST_UNKNOWN}; a look that is not counted (HEAD). */
    public StoredManifest getManifest(RepositoryName repository, Reference reference) {
        ManifestRecord record = manifestRecord(repository, reference);
        byte[] content = manifestBytes.get(record.digest(), this::readBlob);
        return new StoredManifest(record.digest(), record.mediaType(), content);
    }

    /** Counts a manifest fetched by GET: its pull counters, {@code pulled_at} and a history event. */
    public void recordPull(RepositoryName repository, Reference reference, StoredManifest manifest, String actor) {
        usage.pulled(repository, manifest.digest(), reference instanceof Tag tag ? tag.value() : null,
                manifest.content().length, actor);
    }

    private ManifestRecord manifestRecord(RepositoryName repository, Reference reference) {
        Digest digest = reference instanceof Tag tag
                ? metadata.tags().resolveTag(repository, tag).orElseThrow(() -> RegistryException.manifestUnknown(tag.value()))
                : (Digest) reference;
        return metadata.manifests().manifest(repository, digest).orElseThrow(() -> RegistryException.manifestUnknown(reference.value()));
    }

    private byte[] readBlob(Digest digest) {
        MemoryOnly.checkMayLoad();
        try {
            return blobs.readAll(digest);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Deletes by reference: a tag removes only the tag; a digest removes the manifest and its tags. False when
     * the reference names nothing in the repository: each API says so in its own words.
     */
    public boolean deleteManifest(RepositoryName repository, Reference reference, String actor) {
        if (reference instanceof Tag tag) {
            Optional<Digest> digest = metadata.tags().resolveTag(repository, tag);
            if (digest.isEmpty() || !metadata.tags().deleteTag(repository, tag)) {
                return false;
            }
            usage.deleted(repository, tag.value(), digest.get(), 0, actor);
            return true;
        }
        Digest digest = (Digest) reference;
        Optional<ManifestRecord> record = metadata.manifests().manifest(repository, digest);
        if (record.isEmpty() || !metadata.manifests().deleteManifest(repository, digest)) {
            return false;
        }
        metadata.blobLinks().unlinkUnreferencedBlobs(repository, clock.instant().minus(limits.deleteGracePeriod()),
                record.get());
        usage.deleted(repository, digest.value(), digest, record.get().size(), actor);
        return true;
    }

    // ---- listings ---------------------------------------------------------------------------------

    /** A page of the repository's tags; {@code NAME_UNKNOWN} for an unknown repository. */
    public Page<Tag> listTags(RepositoryName repository, Integer n, String last) {
        if (!metadata.repositories().repositoryExists(repository)) {
            throw RegistryException.nameUnknown(repository.value());
        }
        int limit = pageSize(n);
        return Page.of(metadata.tags().listTags(repository, last, limit + 1), limit, Tag::value);
    }

    /** A page of the repository names the caller may see, in lexical order. */
    public Page<RepositoryName> catalog(Integer n, String last, Predicate<RepositoryName> visible) {
        int limit = pageSize(n);
        List<RepositoryName> page = new ArrayList<>();
        String cursor = last;
        int batch = Math.max(100, limit + 1);
        while (page.size() <= limit) {
            List<RepositoryName> fetched = metadata.repositories().listRepositories(cursor, batch);
            for (RepositoryName name : fetched) {
                if (visible.test(name)) {
                    page.add(name);
                    if (page.size() > limit) {
                        break;
                    }
                }
            }
            if (fetched.size() < batch) {
                break;
            }
            cursor = fetched.get(fetched.size() - 1).value();
        }
        return Page.of(page, limit, RepositoryName::value);
    }

    private int pageSize(Integer n) {
        if (n == null) {
            return limits.maxListPage();
        }
        if (n < 0) {
            throw new RegistryException(OciErrorCode.PARAMETER_INVALID, "n must not be negative");
        }
        return Math.min(n, limits.maxListPage());
    }

    /** The descriptors of the manifests whose subject is {@code subject}, optionally of one artifact type. */
    public List<Descriptor> referrers(RepositoryName repository, Digest subject, String artifactType) {
        return metadata.manifests().referrers(repository, subject).stream()
                .filter(r -> artifactType == null || artifactType.equals(r.artifactType()))
                .map(r -> new Descriptor(r.mediaType(), r.digest(), r.size(), r.artifactType(), r.annotations()))
                .toList();
    }

    /** True when the media type is an index the client's {@code Accept} list does not admit. */
    public static boolean refusedByAccept(String mediaType, List<String> accepted) {
        if (accepted.isEmpty() || !MediaTypes.isIndex(mediaType)) {
            return false;
        }
        return accepted.stream().map(MediaTypes::essence)
                .noneMatch(a -> a.equals(mediaType) || a.equals("*/*") || a.equals("application/*"));
    }
}
