package dev.berth.management.registry;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.berth.core.tenant.TenantRegistry;
import dev.berth.management.json.Timestamps;

/**
 * The registry object of the contract.
 *
 * @param storageLimitGib the byte limit rounded up to whole GiB; null with the byte limit when there is none
 * @param url {@code HOST/<name>}, HOST being the server's public address ({@link dev.berth.management.PublicAddress}),
 *            to prefix image names with
 */
record RegistryView(String name, @JsonProperty("public") boolean isPublic, Long storageLimitBytes, Long storageLimitGib,
                    long storageUsedBytes, long repoCount, String url, String createdAt, String updatedAt) {

    static RegistryView of(TenantRegistry registry, String host) {
        return new RegistryView(registry.name(), registry.isPublic(), registry.storageLimitBytes(),
                StorageLimitInput.gibFor(registry.storageLimitBytes()), registry.storageUsedBytes(), registry.repoCount(),
                host + "/" + registry.name(), Timestamps.format(registry.createdAt()), Timestamps.format(registry.updatedAt()));
    }
}
