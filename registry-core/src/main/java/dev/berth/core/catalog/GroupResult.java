package dev.berth.core.catalog;

import dev.berth.core.error.RegistryException;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

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

    /**
     * Runs {@code action} on each name in turn: the names it succeeded on, and those it refused with a
     * {@link RegistryException} and why. Any other failure is not the item's fault and ends the group.
     */
    public static GroupResult of(List<String> names, Consumer<String> action) {
        List<String> deleted = new ArrayList<>();
        List<Failure> failed = new ArrayList<>();
        for (String name : names) {
            try {
                action.accept(name);
                deleted.add(name);
            } catch (RegistryException e) {
                failed.add(new Failure(name, e.getMessage()));
            }
        }
        return new GroupResult(deleted, failed);
    }
}
