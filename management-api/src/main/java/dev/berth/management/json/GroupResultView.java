package dev.berth.management.json;

import dev.berth.core.catalog.GroupResult;

import java.util.List;

/** A group action's answer: {@code {"deleted": [...], "failed": [{"name", "error"}]}}. */
public record GroupResultView(List<String> deleted, List<Failure> failed) {
    /** One item that could not be acted on, and why in a sentence. */
    public record Failure(String name, String error) {
    }

    public GroupResultView {
        deleted = List.copyOf(deleted);
        failed = List.copyOf(failed);
    }

    public static GroupResultView of(GroupResult result) {
        return new GroupResultView(result.done(),
                result.failed().stream().map(f -> new Failure(f.name(), f.error())).toList());
    }
}
