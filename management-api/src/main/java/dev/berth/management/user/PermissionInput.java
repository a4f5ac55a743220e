package dev.berth.management.user;

import dev.berth.core.error.RegistryException;
import dev.berth.core.user.Access;
import dev.berth.core.user.Permission;
import dev.berth.management.json.JsonBody;

import java.util.List;
import java.util.Set;

/**
 * Reads permissions from a body: each {@code {"registry", "access": "pull"|"push"}}, nothing else. That the
 * registry exists and is listed once is the user service's rule (422).
 */
final class PermissionInput {
    static final String FIELD = "permissions";
    private static final Set<String> FIELDS = Set.of("registry", "access");

    private PermissionInput() {
    }

    /** The permissions under {@code permissions}; null when the field is absent. */
    static List<Permission> from(JsonBody body) {
        List<JsonBody> items = body.objects(FIELD, FIELDS);
        if (items == null) {
            return null;
        }
        return items.stream().map(item -> {
            String registry = item.string("registry");
            if (registry == null) {
                throw JsonBody.missing("registry");
            }
            return new Permission(registry, access(item));
        }).toList();
    }

    /** The {@code access} field of a body or permission: required, {@code pull} or {@code push}. */
    static Access access(JsonBody body) {
        String value = body.string("access");
        if (value == null) {
            throw JsonBody.missing("access");
        }
        Access access = Access.parse(value);
        if (access == null) {
            throw RegistryException.invalid("INVALID_ACCESS", "access is 'pull' or 'push', not '" + value + "'");
        }
        return access;
    }
}
