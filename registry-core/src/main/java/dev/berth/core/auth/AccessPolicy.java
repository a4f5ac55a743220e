package dev.berth.core.auth;

import dev.berth.core.tenant.TenantService;
import dev.berth.core.user.Access;

/**
 * Who may do what on a tenant registry: the admin everything; a user what its permission on the registry
 * allows ({@code pull}, or {@code push} which includes pull and delete); anyone may pull from a public registry.
 */
public final class AccessPolicy {
    private final TenantService tenants;

    public AccessPolicy(TenantService tenants) {
        this.tenants = tenants;
    }

    /** @param principal null for an anonymous caller */
    public boolean mayPull(Principal principal, String registry) {
        if (principal != null && (principal.isAdmin() || principal.user().accessTo(registry) != null)) {
            return true;
        }
        return tenants.isPublic(registry);
    }

    /** @param principal null for an anonymous caller */
    public boolean mayPush(Principal principal, String registry) {
        if (principal == null) {
            return false;
        }
        if (principal.isAdmin()) {
            return true;
        }
        Access access = principal.user().accessTo(registry);
        return access != null && access.allowsPush();
    }
}
