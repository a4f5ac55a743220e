package dev.berth.management.user;

import dev.berth.core.error.RegistryException;
import dev.berth.core.user.Permission;
import dev.berth.management.json.JsonBody;

import java.util.List;
import java.util.Set;

/**
 * The body of {@code POST /users}: {@code name}, optional {@code description}, {@code duration_days} (-1 for
 * no expiry) and optional {@code permissions}. Name and duration rules are the user service's (422).
 */
record CreateUserRequest(String name, String description, Integer durationDays, List<Permission> permissions) {
    static final int MAX_DESCRIPTION = 1024;
    private static final Set<String> FIELDS = Set.of("name", "description", "duration_days", PermissionInput.FIELD);

    CreateUserRequest {
        permissions = permissions == null ? List.of() : List.copyOf(permissions);
    }

    static CreateUserRequest parse(byte[] body) {
        JsonBody json = JsonBody.parse(body, FIELDS);
        String name = json.string("name");
        if (name == null) {
            throw JsonBody.missing("name");
        }
        return new CreateUserRequest(name, description(json), durationDays(json), PermissionInput.from(json));
    }

    /** The description, "" for an explicit null; null when absent. */
    static String description(JsonBody json) {
        if (json.isNull("description")) {
            return "";
        }
        String description = json.string("description");
        if (description != null && description.length() > MAX_DESCRIPTION) {
            throw RegistryException.invalid("INVALID_DESCRIPTION", "description is at most " + MAX_DESCRIPTION + " characters");
        }
        return description;
    }

    /** {@code duration_days} as an int; values beyond an int are out of any valid range (422). */
    static Integer durationDays(JsonBody json) {
        Long days = json.integer("duration_days");
        if (days == null) {
            return null;
        }
        if (days < Integer.MIN_VALUE || days > Integer.MAX_VALUE) {
            throw RegistryException.invalid("INVALID_DURATION", "duration_days is -1 (never expires) or a number of days");
        }
        return days.intValue();
    }
}
