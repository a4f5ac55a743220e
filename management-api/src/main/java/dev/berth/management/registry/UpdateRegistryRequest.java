package dev.berth.management.registry;

import dev.berth.management.json.JsonBody;

import java.util.Set;

/**
 * The body of {@code PATCH /registries/{registry}}: any of {@code public} and the limit fields; what is
 * absent stays as it is, and {@code "storage_limit_bytes": null} removes the limit.
 *
 * @param isPublic null to keep the access level
 */
record UpdateRegistryRequest(Boolean isPublic, StorageLimitInput limit) {
    private static final Set<String> FIELDS = Set.of("public", StorageLimitInput.BYTES_FIELD, StorageLimitInput.GIB_FIELD);

    static UpdateRegistryRequest parse(byte[] body) {
        JsonBody json = JsonBody.parse(body, FIELDS);
        return new UpdateRegistryRequest(json.bool("public"), StorageLimitInput.from(json));
    }
}
