package dev.berth.management.gc;

import dev.berth.core.gc.GcRun;
import dev.berth.management.json.Timestamps;

/** The run object of the contract; in a dry run the counts say what would have been freed. */
record GcRunView(String id, String state, boolean dryRun, boolean untagged, String startedAt, String finishedAt,
                 long blobsDeleted, long bytesFreed, long manifestsDeleted, long uploadsDeleted, String error) {

    static GcRunView of(GcRun run) {
        return new GcRunView(run.id(), run.state().wireName(), run.dryRun(), run.untagged(),
                Timestamps.format(run.startedAt()), run.finishedAt() == null ? null : Timestamps.format(run.finishedAt()),
                run.blobsDeleted(), run.bytesFreed(), run.manifestsDeleted(), run.uploadsDeleted(), run.error());
    }
}
