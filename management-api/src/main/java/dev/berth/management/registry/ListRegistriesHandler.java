package dev.berth.management.registry;

import dev.berth.core.tenant.TenantService;
import dev.berth.management.json.ListView;
import dev.berth.management.route.Call;
import dev.berth.management.route.Operation;
import dev.berth.management.route.Reply;

/** Lists registries: {@code GET /api/v1/registries?name=&public=&page=&size=}. */
final class ListRegistriesHandler implements Operation {
    private final TenantService tenants;

    ListRegistriesHandler(TenantService tenants) {
        this.tenants = tenants;
    }

    @Override
    public Reply handle(Call call) {
        return Reply.ok(ListView.of(tenants.list(call.page(), call.booleanQuery("public")),
                registry -> RegistryView.of(registry, call.host())));
    }
}
