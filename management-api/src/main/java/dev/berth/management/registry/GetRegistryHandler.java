package dev.berth.management.registry;

import dev.berth.core.tenant.TenantService;
import dev.berth.management.route.Call;
import dev.berth.management.route.Operation;
import dev.berth.management.route.Reply;

/** Shows one registry with its current usage: {@code GET /api/v1/registries/{registry}}. */
final class GetRegistryHandler implements Operation {
    private final TenantService tenants;

    GetRegistryHandler(TenantService tenants) {
        this.tenants = tenants;
    }

    @Override
    public Reply handle(Call call) {
        return Reply.ok(RegistryView.of(tenants.get(call.param("registry")), call.host()));
    }
}
