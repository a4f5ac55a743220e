package dev.berth.management.registry;

import dev.berth.core.tenant.TenantService;
import dev.berth.management.route.Call;
import dev.berth.management.route.Operation;
import dev.berth.management.route.Reply;

/**
 * Changes a registry's access level or limit: {@code PATCH /api/v1/registries/{registry}}. A limit lowered
 * below the usage deletes nothing; it only refuses further uploads.
 */
final class UpdateRegistryHandler implements Operation {
    private final TenantService tenants;

    UpdateRegistryHandler(TenantService tenants) {
        this.tenants = tenants;
    }

    @Override
    public Reply handle(Call call) {
        UpdateRegistryRequest request = UpdateRegistryRequest.parse(call.body());
        return Reply.ok(RegistryView.of(tenants.update(call.param("registry"), request.isPublic(),
                request.limit().given(), request.limit().bytes()), call.host()));
    }
}
