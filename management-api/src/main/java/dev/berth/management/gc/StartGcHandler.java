package dev.berth.management.gc;

import dev.berth.core.gc.GarbageCollector;
import dev.berth.core.gc.GcRequest;
import dev.berth.management.json.JsonBody;
import dev.berth.management.route.Call;
import dev.berth.management.route.Operation;
import dev.berth.management.route.Reply;

import java.util.Set;

/**
 * Starts a collection: {@code POST /api/v1/gc} with an optional {@code {"dry_run", "untagged"}}; 202 with the run
 * as started, which goes on in the background; 409 {@code GC_RUNNING} while another run is going on any node.
 */
final class StartGcHandler implements Operation {
    private static final Set<String> FIELDS = Set.of("dry_run", "untagged");

    private final GarbageCollector collector;

    StartGcHandler(GarbageCollector collector) {
        this.collector = collector;
    }

    @Override
    public Reply handle(Call call) {
        JsonBody json = call.optionalJson(FIELDS);
        GcRequest request = new GcRequest(Boolean.TRUE.equals(json.bool("dry_run")),
                Boolean.TRUE.equals(json.bool("untagged")));
        return Reply.accepted(GcRunView.of(collector.start(request)));
    }
}
