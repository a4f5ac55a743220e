package dev.berth.management.json;

import dev.berth.core.error.RegistryException;

import java.util.List;
import java.util.Set;

/**
 * The body of a group action: one required array of strings, such as {@code {"names": [...]}}. At most
 * {@value #MAX_ITEMS} items, so that one request cannot hold the server for long.
 */
public record GroupRequest(List<String> items) {
    public static final int MAX_ITEMS = 1000;

    public GroupRequest {
        items = List.copyOf(items);
    }

    public static GroupRequest parse(byte[] body, String field) {
        List<String> items = JsonBody.parse(body, Set.of(field)).strings(field);
        if (items == null) {
            throw JsonBody.missing(field);
        }
        if (items.size() > MAX_ITEMS) {
            throw RegistryException.invalid("TOO_MANY_ITEMS", field + " holds at most " + MAX_ITEMS + " items");
        }
        return new GroupRequest(items);
    }
}
