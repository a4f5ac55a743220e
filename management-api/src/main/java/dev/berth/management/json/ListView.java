package dev.berth.management.json;

import dev.berth.core.listing.Listing;

import java.util.List;
import java.util.function.Function;

/**
 * Every listing's answer: {@code {"count": TOTAL, "results": [...]}}, {@code count} being the total over
 * all pages.
 */
public record ListView<T>(long count, List<T> results) {
    public ListView {
        results = List.copyOf(results);
    }

    public static <S, T> ListView<T> of(Listing<S> listing, Function<S, T> view) {
        return new ListView<>(listing.count(), listing.results().stream().map(view).toList());
    }
}
