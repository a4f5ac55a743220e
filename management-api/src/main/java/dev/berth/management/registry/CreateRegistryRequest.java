package dev.berth.management.registry;

import dev.berth.management.json.JsonBody;

import java.util.Set;

/**
 * The body of {@code POST /registries}: {@code name}, {@code public} (default false) and an optional limit.
 * The name's grammar is checked by the tenant service (422).
 */
record CreateRegistryRequest(String name, boolean isPublic, Long storageLimitBytes) {
    private static final Set<String> FIELDS = Set.of("name", "public", StorageLimitInput.BYTES_FIELD, StorageLimitInput.GIB_FIELD);

    static CreateRegistryRequest parse(byte[] body) {
        JsonBody json = JsonBody.parse(body, FIELDS);
        String name = json.string("name");
        if (name == null) {
            throw JsonBody.missing("name");
        }
        Boolean isPublic = json.bool("public");
        return new CreateRegistryRequest(name, Boolean.TRUE.equals(isPublic), StorageLimitInput.from(json).bytes());
    }
}
