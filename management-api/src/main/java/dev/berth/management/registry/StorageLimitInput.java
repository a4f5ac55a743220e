package dev.berth.management.registry;

import dev.berth.core.error.RegistryException;
import dev.berth.management.json.JsonBody;

/**
 * A storage limit as a request gives it, in {@code storage_limit_bytes} or {@code storage_limit_gib}.
 *
 * <p>Rules: GiB is 2^30 bytes; a limit is positive (zero or negative is a 422); when both fields are sent
 * they must agree, that is {@code storage_limit_gib} is the byte limit rounded up to whole GiB as a registry
 * object shows it (so a registry object sent back is accepted), and then the exact byte figure is kept; an
 * explicit {@code null} in either field means "no limit".
 *
 * @param given whether the body said anything about the limit
 * @param bytes the limit in bytes, null for no limit
 */
record StorageLimitInput(boolean given, Long bytes) {
    static final long GIB = 1L << 30;
    static final String BYTES_FIELD = "storage_limit_bytes";
    static final String GIB_FIELD = "storage_limit_gib";

    static final StorageLimitInput ABSENT = new StorageLimitInput(false, null);

    /** The limit rounded up to whole GiB; null for no limit. */
    static Long gibFor(Long bytes) {
        if (bytes == null) {
            return null;
        }
        return bytes / GIB + (bytes % GIB == 0 ? 0 : 1);
    }

    static StorageLimitInput from(JsonBody body) {
        boolean hasBytes = body.has(BYTES_FIELD);
        boolean hasGib = body.has(GIB_FIELD);
        if (!hasBytes && !hasGib) {
            return ABSENT;
        }
        Long bytes = body.nullableInteger(BYTES_FIELD);
        Long gib = body.nullableInteger(GIB_FIELD);
        if (bytes != null && bytes <= 0) {
            throw invalidLimit(BYTES_FIELD);
        }
        if (gib != null && gib <= 0) {
            throw invalidLimit(GIB_FIELD);
        }
        if (hasBytes && hasGib) {
            boolean agree = bytes == null ? gib == null : gib != null && gib.equals(gibFor(bytes));
            if (!agree) {
                throw RegistryException.invalid("CONFLICTING_LIMITS",
                        "storage_limit_bytes and storage_limit_gib disagree; send one of them");
            }
            return new StorageLimitInput(true, bytes);
        }
        if (hasBytes) {
            return new StorageLimitInput(true, bytes);
        }
        return new StorageLimitInput(true, gib == null ? null : gibToBytes(gib));
    }

    private static long gibToBytes(long gib) {
        try {
            return Math.multiplyExact(gib, GIB);
        } catch (ArithmeticException e) {
            throw RegistryException.invalid("INVALID_LIMIT", "storage_limit_gib is too large");
        }
    }

    private static RegistryException invalidLimit(String field) {
        return RegistryException.invalid("INVALID_LIMIT", field + " must be positive");
    }
}
