package dev.berth.core.catalog;

import java.util.List;

/**
 * The outcome of a group action: what was done, and what failed with why.
 */
public record GroupResult(List<String> deleted, List<Failure> failed) {
    /** One item that could not be acted on. */
    public record Failure(String name, String error) {
    }

    public GroupResult {
        deleted = List.copyOf(deleted);
        failed = List.copyOf(failed);
    }
}
