package dev.berth.core.registry;

import java.util.List;

/**
 * One page of a lexically ordered listing.
 *
 * @param next the value to pass as {@code last} for the following page, or null when this is the last page
 */
public record Page<T>(List<T> items, String next) {
    public Page {
        items = List.copyOf(items);
    }

    /** Builds a page from up to {@code limit + 1} items: the extra one only tells that more follow. */
    public static <T> Page<T> of(List<T> fetched, int limit, java.util.function.Function<T, String> key) {
        if (fetched.size() > limit) {
            List<T> items = fetched.subList(0, limit);
            return new Page<>(items, items.isEmpty() ? null : key.apply(items.get(items.size() - 1)));
        }
        return new Page<>(fetched, null);
    }
}
