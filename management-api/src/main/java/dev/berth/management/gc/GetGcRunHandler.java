package dev.berth.management.gc;

import dev.berth.core.error.RegistryException;
import dev.berth.core.gc.GarbageCollector;
import dev.berth.management.route.Call;
import dev.berth.management.route.Operation;
import dev.berth.management.route.Reply;

/** Shows one collection, running or finished: {@code GET /api/v1/gc/{id}}; 404 {@code GC_RUN_NOT_FOUND}. */
final class GetGcRunHandler implements Operation {
    private final GarbageCollector collector;

    GetGcRunHandler(GarbageCollector collector) {
        this.collector = collector;
    }

    @Override
    public Reply handle(Call call) {
        String id = call.param("id");
        return Reply.ok(GcRunView.of(collector.find(id).orElseThrow(() -> RegistryException.notFound("gc run", id))));
    }
}
