package dev.berth.core.memory;

import dev.berth.core.digest.Digest;

/**
 * Rough sizes on the heap, for weighing cache entries by bytes: a cache bounded by entries alone holds 200,000
 * tag lists as readily as 200,000 booleans. The figures are those of a 64-bit JVM with compressed references
 * (object headers of 12 bytes, references of 4, objects aligned to 8) and compact strings (one byte per Latin-1
 * character), rounded up; what matters is that a large answer weighs more than a small one, in proportion.
 */
public final class HeapEstimate {
    /** A cache's own node for an entry (Caffeine's: key, value, weight, links for eviction), and its table slot. */
    public static final int CACHE_ENTRY = 64;
    /** An object with a few fields and no arrays. */
    public static final int SMALL_OBJECT = 24;

    private HeapEstimate() {
    }

    /** A string: its object, its array and one byte per character (two for text outside Latin-1, not told apart). */
    public static int string(String value) {
        return value == null ? 0 : 40 + value.length();
    }

    public static int bytes(byte[] value) {
        return value == null ? 0 : 16 + value.length;
    }

    /** A digest: its object and its three strings (algorithm, hex, the whole). */
    public static int digest(Digest digest) {
        return digest == null ? 0
                : SMALL_OBJECT + string(digest.algorithm()) + string(digest.hex()) + string(digest.value());
    }

    /** A list of references, without what they refer to. */
    public static int list(int size) {
        return 16 + 4 * size;
    }
}
