package dev.berth.management.gc;

import dev.berth.core.gc.GarbageCollector;
import dev.berth.management.json.ListView;
import dev.berth.management.route.Call;
import dev.berth.management.route.Operation;
import dev.berth.management.route.Reply;

/** Lists the collections, newest first: {@code GET /api/v1/gc?page=&size=}. */
final class ListGcRunsHandler implements Operation {
    private final GarbageCollector collector;

    ListGcRunsHandler(GarbageCollector collector) {
        this.collector = collector;
    }

    @Override
    public Reply handle(Call call) {
        return Reply.ok(ListView.of(collector.list(call.page()), GcRunView::of));
    }
}
