package dev.berth.core.tenant;

import dev.berth.core.listing.Listing;
import dev.berth.core.listing.PageRequest;

import java.time.Instant;
import java.util.Optional;

/**
 * The tenant registries. Their usage counters are maintained by the metadata store in the same
 * transactions that link and unlink blobs, never recomputed by a scan on read.
 */
public interface TenantStore {
    Optional<TenantRegistry> find(String name);

    /** Creates a registry; false when the name is taken. */
    boolean create(String name, boolean isPublic, Long storageLimitBytes, Instant now);

    /** Registries ordered by name; {@code isPublic} filters when not null. */
    Listing<TenantRegistry> list(PageRequest page, Boolean isPublic);

    /**
     * Changes the access level (when {@code isPublic} is not null) and the limit (when {@code changeLimit};
     * a null limit removes it). False when the registry does not exist.
     */
    boolean update(String name, Boolean isPublic, boolean changeLimit, Long storageLimitBytes, Instant now);

    /**
     * Deletes the registry with every repository, manifest, tag, blob link, user permission and history
     * event in it. False when it did not exist.
     */
    boolean delete(String name);
}
