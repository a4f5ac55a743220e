package dev.berth.management.registry;

import dev.berth.core.tenant.TenantService;
import dev.berth.management.route.Call;
import dev.berth.management.route.Operation;
import dev.berth.management.route.Reply;

/** Creates a registry: {@code POST /api/v1/registries}, 201 with the registry. */
final class CreateRegistryHandler implements Operation {
    private final TenantService tenants;

    CreateRegistryHandler(TenantService tenants) {
        this.tenants = tenants;
    }

    @Override
    public Reply handle(Call call) {
        CreateRegistryRequest request = CreateRegistryRequest.parse(call.body());
        return Reply.created(RegistryView.of(
                tenants.create(request.name(), request.isPublic(), request.storageLimitBytes()), call.host()));
    }
}
