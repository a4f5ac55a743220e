package dev.berth.management.registry;

import dev.berth.core.tenant.TenantService;
import dev.berth.management.route.Call;
import dev.berth.management.route.Operation;
import dev.berth.management.route.Reply;

/** Deletes a registry with everything in it: {@code DELETE /api/v1/registries/{registry}}, 204. */
final class DeleteRegistryHandler implements Operation {
    private final TenantService tenants;

    DeleteRegistryHandler(TenantService tenants) {
        this.tenants = tenants;
    }

    @Override
    public Reply handle(Call call) {
        tenants.delete(call.param("registry"));
        return Reply.noContent();
    }
}
