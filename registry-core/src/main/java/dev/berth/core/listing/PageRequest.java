package dev.berth.core.listing;

import dev.berth.core.error.RegistryException;

/**
 * Which page of a management listing to return: 1-based {@code page} of {@code size} items, and an optional
 * case-insensitive substring filter on the name. Built from the client's query, so out-of-range values are
 * the client's error: {@code INVALID_PARAMETER}.
 */
public record PageRequest(int page, int size, String nameContains) {
    public static final int DEFAULT_SIZE = 50;
    public static final int MAX_SIZE = 1000;

    public PageRequest {
        if (page < 1) {
            throw RegistryException.malformed("INVALID_PARAMETER", "page is 1 or more");
        }
        if (size < 1 || size > MAX_SIZE) {
            throw RegistryException.malformed("INVALID_PARAMETER", "size is 1 to " + MAX_SIZE);
        }
        nameContains = nameContains == null || nameContains.isEmpty() ? null : nameContains.toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * How many items come before this page. A long: the last page number a client may ask for times the
     * largest size is past an int, and an overflowed, negative offset is an error in every database.
     */
    public long offset() {
        return (page - 1L) * size;
    }
}
