package dev.berth.core.catalog;

import dev.berth.core.error.RegistryException;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The outcome of a group action (delete, attach, detach): the items it was done to, and those that failed with why.
 */
public record GroupResult(List<String> done, List<Failure> failed) {
    /** One item that could not be acted on. */
    public record Failure(String name, String error) {
    }

    public GroupResult {
        done = List.copyOf(done);
        failed = List.copyOf(failed);
    }

    /**
     * Runs {@code action} on each name in turn: the names it succeeded on, and those it refused with a
     * {@link RegistryException} and why. Any other failure is not the item's fault and ends the group.
     */
    public static GroupResult of(List<String> names, Consumer<String> action) {
        return of(names, Function.identity(), action);
    }

    /** As {@link #of(List, Consumer)}, for items that are more than their name. */
    public static <T> GroupResult of(List<T> items, Function<T, String> nameOf, Consumer<T> action) {
        List<String> done = new ArrayList<>();
        List<Failure> failed = new ArrayList<>();
        for (T item : items) {
            try {
                action.accept(item);
                done.add(nameOf.apply(item));
            } catch (RegistryException e) {
                failed.add(new Failure(nameOf.apply(item), e.getMessage()));
            }
        }
        return new GroupResult(done, failed);
    }
}
