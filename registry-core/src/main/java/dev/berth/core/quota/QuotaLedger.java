package dev.berth.core.quota;

import dev.berth.core.digest.Digest;
import dev.berth.core.error.OciErrorCode;
import dev.berth.core.error.RegistryException;
import dev.berth.core.metadata.BlobLink;
import dev.berth.core.metadata.BlobLinkStore;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.tenant.TenantRegistry;
import dev.berth.core.tenant.TenantService;
import dev.berth.core.upload.UploadId;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Enforces tenant registries' storage limits.
 *
 * <p>A registry's usage (the sizes of the distinct blobs linked into it) lives in the metadata store.
 * Uploads in progress hold reservations here, in memory. Each upload has what it <em>needs</em> (the bytes
 * it declared or has written) and what it <em>holds</em>: up to {@value #RESERVATION_STEP_MIB} MiB of
 * slack beyond its need, taken only from room nobody needs, so that a large upload asks the store once per
 * step rather than once per network read. Refusals count needs only, so slack never refuses anyone: an
 * upload is refused when usage plus every other upload's need plus its own would pass the limit.
 *
 * <p>The link is the final word: under the registry's lock, with usage read fresh from the store, a blob
 * new to the registry is charged its size, and refused if that would pass the limit (counting the other
 * uploads' needs); a blob the registry already holds costs nothing. Concurrent uploads therefore cannot
 * together overshoot the limit. Reservations end with the upload (linked, refused, cancelled or expired);
 * they are not persisted: after a restart an upload reserves again as it grows, and its link is checked
 * in full anyway.
 *
 * <p>An upload that writes nothing for a while (an abandoned push, a client gone without cancelling) gives
 * its reservation back when {@link #releaseIdle} runs, so that it does not keep others out until the session
 * expires. The session stays valid: its next write reserves again, in full, and is refused if the room has
 * been taken meanwhile.
 *
 * <p>Links are charged in batches ({@link #chargeAndWrite}): {@link dev.berth.core.link.BlobLinker} group-commits
 * the links of uploads that finish together, and this checks each of them in order (against the usage the
 * store reports plus what the links before it in the batch charge) and has the accepted ones written while it
 * still holds the registry's reservations, so that no reservation or other charge slips between the check and
 * the write. A refused link does not hold up the others.
 *
 * <p>A registry without a limit needs no usage figures: its checks read only the cached settings.
 */
public final class QuotaLedger {
    private static final long RESERVATION_STEP_MIB = 16;
    private static final long RESERVATION_STEP = RESERVATION_STEP_MIB * 1024 * 1024;

    private final TenantService tenants;
    private final BlobLinkStore blobLinks;
    private final Clock clock;
    private final Map<String, RegistryReservations> registries = new ConcurrentHashMap<>();

    /** An upload's need, what it holds (need plus slack), and when it last asked (its last write). */
    private record Reservation(long needed, long held, Instant touched) {
        static final Reservation NONE = new Reservation(0, 0, Instant.MIN);
    }

    /** The reservations of one registry; guarded by its own monitor. */
    private static final class RegistryReservations {
        final Map<UploadId, Reservation> byUpload = new HashMap<>();
        long totalNeeded;

        Reservation of(UploadId id) {
            return id == null ? Reservation.NONE : byUpload.getOrDefault(id, Reservation.NONE);
        }

        long neededByOthers(UploadId id) {
            return totalNeeded - of(id).needed();
        }

        void set(UploadId id, Reservation reservation) {
            totalNeeded += reservation.needed() - of(id).needed();
            if (reservation.held() == 0) {
                byUpload.remove(id);
            } else {
                byUpload.put(id, reservation);
            }
        }
    }

    /**
     * A blob link to charge to its registry, and the upload whose reservation it converts (null for mounts
     * and manifests, which reserve nothing).
     */
    public record LinkCharge(BlobLink link, UploadId upload) {
    }

    /**
     * @param blobLinks tells whether a registry already holds a blob (then linking it again costs nothing)
     * @param clock tells when an upload last reserved, for {@link #releaseIdle}
     */
    public QuotaLedger(TenantService tenants, BlobLinkStore blobLinks, Clock clock) {
        this.tenants = tenants;
        this.blobLinks = blobLinks;
        this.clock = clock;
    }

    /**
     * Records that the upload needs {@code bytes} in its repository's registry; {@code DENIED} (quota) when
     * usage plus the other uploads' needs plus these bytes would pass the limit.
     */
    public void reserve(RepositoryName repository, UploadId upload, long bytes) {
        String registry = repository.registry();
        RegistryReservations reservations = reservations(registry);
        synchronized (reservations) {
            Reservation current = reservations.of(upload);
            Instant now = clock.instant();
            if (bytes <= current.held()) {
                reservations.set(upload, new Reservation(Math.max(bytes, current.needed()), current.held(), now));
                return;
            }
            long others = reservations.neededByOthers(upload);
            long room = Long.MAX_VALUE;
            TenantRegistry tenant = null;
            if (isLimited(registry)) {
                tenant = currentTenant(registry);
                Long limit = tenant.storageLimitBytes();
                room = limit == null ? Long.MAX_VALUE : limit - tenant.storageUsedBytes() - others;
            }
            if (bytes > room) {
                throw exceeded(tenant, 0, bytes, others);
            }
            long held = Math.min(room, Math.max(bytes, current.held() + RESERVATION_STEP));
            reservations.set(upload, new Reservation(bytes, held, now));
        }
    }

    /**
     * Checks, before an upload is committed, that linking its blob would be accepted: {@code DENIED} when the
     * blob is new to the registry and its size would pass the limit. {@link #chargeAndWrite} checks again.
     */
    public void admit(RepositoryName repository, Digest digest, long size, UploadId upload) {
        String registry = repository.registry();
        if (!isLimited(registry)) {
            return;
        }
        RegistryReservations reservations = reservations(registry);
        synchronized (reservations) {
            charges(registry, currentTenant(registry), digest, size, 0, reservations.neededByOthers(upload));
        }
    }

    /** Ends an upload's reservation (refused, cancelled or expired). */
    public void release(RepositoryName repository, UploadId upload) {
        RegistryReservations reservations = reservations(repository.registry());
        synchronized (reservations) {
            reservations.set(upload, Reservation.NONE);
        }
    }

    /**
     * Charges each link of a batch of one registry's links in order and hands the accepted ones to
     * {@code write} (which records them in one transaction, committed when it returns, and returns those it could
     * not record because their blob is gone), all under the registry's lock. A link is refused with {@code DENIED}
     * when it is new to the registry and would pass the limit, counting what the links before it charge and what the
     * other uploads need. Every link's reservation ends here, whatever the outcome.
     *
     * @return for each link of the batch, in order: null when it was written, else why it was not (its
     *         refusal, {@code BLOB_UNKNOWN} when its blob is gone, or the write's failure)
     */
    public List<RuntimeException> chargeAndWrite(String registry, List<LinkCharge> batch,
                                                 Function<List<BlobLink>, List<BlobLink>> write) {
        RegistryReservations reservations = reservations(registry);
        List<RuntimeException> outcomes = new ArrayList<>(Collections.nCopies(batch.size(), null));
        synchronized (reservations) {
            try {
                TenantRegistry tenant = isLimited(registry) ? currentTenant(registry) : null;
                Set<Digest> chargedHere = new HashSet<>();
                long charged = 0;
                List<BlobLink> accepted = new ArrayList<>(batch.size());
                for (int i = 0; i < batch.size(); i++) {
                    LinkCharge link = batch.get(i);
                    try {
                        Digest digest = link.link().digest();
                        long size = link.link().size();
                        if (tenant != null && !chargedHere.contains(digest)
                                && charges(registry, tenant, digest, size, charged, reservations.neededByOthers(link.upload()))) {
                            chargedHere.add(digest);
                            charged += size;
                        }
                        accepted.add(link.link());
                    } catch (RuntimeException refused) {
                        outcomes.set(i, refused);
                    }
                    // Its need is now charged above or refused: the links after it must not count it again.
                    endReservation(reservations, link);
                }
                if (!accepted.isEmpty()) {
                    Set<BlobLink> gone = Set.copyOf(write.apply(accepted));
                    for (int i = 0; i < batch.size(); i++) {
                        BlobLink link = batch.get(i).link();
                        if (outcomes.get(i) == null && gone.contains(link)) {
                            outcomes.set(i, RegistryException.blobUnknown(link.digest()));
                        }
                    }
                }
            } catch (RuntimeException failed) {
                for (int i = 0; i < outcomes.size(); i++) {
                    if (outcomes.get(i) == null) {
                        outcomes.set(i, failed);
                    }
                }
            } finally {
                batch.forEach(link -> endReservation(reservations, link));
            }
        }
        return outcomes;
    }

    private static void endReservation(RegistryReservations reservations, LinkCharge link) {
        if (link.upload() != null) {
            reservations.set(link.upload(), Reservation.NONE);
        }
    }

    /**
     * True when linking the blob charges its size (it is new to the registry); {@code DENIED} when those bytes
     * would pass the limit, counting what is charged before them and needed beside them.
     */
    private boolean charges(String registry, TenantRegistry tenant, Digest digest, long size, long chargedBefore,
                            long neededByOthers) {
        if (blobLinks.registryLinksBlob(registry, digest)) {
            return false;
        }
        Long limit = tenant.storageLimitBytes();
        if (limit != null && tenant.storageUsedBytes() + chargedBefore + neededByOthers + size > limit) {
            throw exceeded(tenant, chargedBefore, size, neededByOthers);
        }
        return true;
    }

    private TenantRegistry currentTenant(String registry) {
        return tenants.current(registry).orElseThrow(() -> RegistryException.nameUnknown(registry));
    }

    /** False when the registry has no storage limit (its cached settings are current), so nothing needs checking. */
    private boolean isLimited(String registry) {
        return tenants.cached(registry).map(t -> t.storageLimitBytes() != null).orElse(true);
    }

    /**
     * Ends the reservations of uploads that have not reserved (written) since {@code cutoff}; their sessions
     * stay open and reserve again on their next write. Returns how many were ended.
     */
    public int releaseIdle(Instant cutoff) {
        return endWhere((id, reservation) -> reservation.touched().isBefore(cutoff));
    }

    /** Drops the reservations of uploads that no longer exist (expired sessions). */
    public void retainOnly(Predicate<UploadId> alive) {
        endWhere((id, reservation) -> !alive.test(id));
    }

    /** Ends every reservation that {@code ended} selects, each registry under its lock; returns how many. */
    private int endWhere(BiPredicate<UploadId, Reservation> ended) {
        int count = 0;
        for (RegistryReservations reservations : registries.values()) {
            synchronized (reservations) {
                for (Map.Entry<UploadId, Reservation> entry : List.copyOf(reservations.byUpload.entrySet())) {
                    if (ended.test(entry.getKey(), entry.getValue())) {
                        reservations.set(entry.getKey(), Reservation.NONE);
                        count++;
                    }
                }
            }
        }
        return count;
    }

    private RegistryReservations reservations(String registry) {
        return registries.computeIfAbsent(registry, r -> new RegistryReservations());
    }

    private static RegistryException exceeded(TenantRegistry tenant, long chargedBefore, long needed, long reservedByOthers) {
        long used = tenant.storageUsedBytes() + chargedBefore;
        String message = "quota exceeded: registry " + tenant.name() + " has a storage limit of " + tenant.storageLimitBytes()
                + " bytes and uses " + used + " bytes (" + reservedByOthers
                + " more reserved by uploads in progress); this upload needs " + needed + " bytes";
        return new RegistryException(OciErrorCode.QUOTA_EXCEEDED, message, Map.of(
                "registry", tenant.name(),
                "storage_limit_bytes", tenant.storageLimitBytes(),
                "storage_used_bytes", used,
                "requested_bytes", needed));
    }
}
