package dev.berth.core.listing;

import java.util.List;

/**
 * One page of a management listing and the total it was cut from.
 *
 * @param count the number of matching items over all pages
 */
public record Listing<T>(long count, List<T> results) {
    public Listing {
        results = List.copyOf(results);
    }
}
