package dev.berth.core.quota;

import dev.berth.core.digest.Digest;
import dev.berth.core.error.OciErrorCode;
import dev.berth.core.error.OciException;
import dev.berth.core.metadata.MetadataStore;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.tenant.TenantRegistry;
import dev.berth.core.tenant.TenantService;
import dev.berth.core.upload.UploadId;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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
 */
public final class QuotaLedger {
    private static final long RESERVATION_STEP_MIB = 16;
    private static final long RESERVATION_STEP = RESERVATION_STEP_MIB * 1024 * 1024;

    private final TenantService tenants;
    private final MetadataStore metadata;
    private final Map<String, RegistryReservations> registries = new ConcurrentHashMap<>();

    /** An upload's need and what it holds (need plus slack). */
    private record Reservation(long needed, long held) {
        static final Reservation NONE = new Reservation(0, 0);
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

    public QuotaLedger(TenantService tenants, MetadataStore metadata) {
        this.tenants = tenants;
        this.metadata = metadata;
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
            if (bytes <= current.held()) {
                reservations.set(upload, new Reservation(Math.max(bytes, current.needed()), current.held()));
                return;
            }
            TenantRegistry tenant = tenants.current(registry).orElseThrow(() -> OciException.nameUnknown(registry));
            long others = reservations.neededByOthers(upload);
            Long limit = tenant.storageLimitBytes();
            long room = limit == null ? Long.MAX_VALUE : limit - tenant.storageUsedBytes() - others;
            if (bytes > room) {
                throw exceeded(tenant, bytes, others);
            }
            long held = Math.min(room, Math.max(bytes, current.held() + RESERVATION_STEP));
            reservations.set(upload, new Reservation(bytes, held));
        }
    }

    /**
     * Checks, before an upload is committed, that linking its blob would be accepted: {@code DENIED} when the
     * blob is new to the registry and its size would pass the limit. {@link #link} checks again.
     */
    public void admit(RepositoryName repository, Digest digest, long size, UploadId upload) {
        String registry = repository.registry();
        RegistryReservations reservations = reservations(registry);
        synchronized (reservations) {
            checkLinkable(registry, digest, size, reservations.neededByOthers(upload));
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
     * Links a blob into a repository, charging its size when it is new to the registry, and ends the
     * upload's reservation. {@code DENIED} when the charge would pass the limit; nothing is linked then.
     *
     * @param upload the upload that brought the blob, whose reservation is converted; null for mounts and manifests
     */
    public void link(RepositoryName repository, Digest digest, long size, UploadId upload) {
        String registry = repository.registry();
        RegistryReservations reservations = reservations(registry);
        synchronized (reservations) {
            try {
                checkLinkable(registry, digest, size, reservations.neededByOthers(upload));
                metadata.linkBlob(repository, digest, size);
            } finally {
                if (upload != null) {
                    reservations.set(upload, Reservation.NONE);
                }
            }
        }
    }

    private void checkLinkable(String registry, Digest digest, long size, long neededByOthers) {
        if (metadata.registryLinksBlob(registry, digest)) {
            return;
        }
        TenantRegistry tenant = tenants.current(registry).orElseThrow(() -> OciException.nameUnknown(registry));
        Long limit = tenant.storageLimitBytes();
        if (limit != null && tenant.storageUsedBytes() + neededByOthers + size > limit) {
            throw exceeded(tenant, size, neededByOthers);
        }
    }

    /** Drops the reservations of uploads that no longer exist (expired sessions). */
    public void retainOnly(java.util.function.Predicate<UploadId> alive) {
        for (RegistryReservations reservations : registries.values()) {
            synchronized (reservations) {
                for (UploadId id : java.util.List.copyOf(reservations.byUpload.keySet())) {
                    if (!alive.test(id)) {
                        reservations.set(id, Reservation.NONE);
                    }
                }
            }
        }
    }

    private RegistryReservations reservations(String registry) {
        return registries.computeIfAbsent(registry, r -> new RegistryReservations());
    }

    private static OciException exceeded(TenantRegistry tenant, long needed, long reservedByOthers) {
        String message = "quota exceeded: registry " + tenant.name() + " has a storage limit of " + tenant.storageLimitBytes()
                + " bytes and uses " + tenant.storageUsedBytes() + " bytes (" + reservedByOthers
                + " more reserved by uploads in progress); this upload needs " + needed + " bytes";
        return new OciException(OciErrorCode.DENIED, message, Map.of(
                "registry", tenant.name(),
                "storage_limit_bytes", tenant.storageLimitBytes(),
                "storage_used_bytes", tenant.storageUsedBytes(),
                "requested_bytes", needed));
    }
}
