package dev.berth.core.gc;

import java.time.Instant;

/**
 * One collection: what it was asked to do, how far it got, and what it freed (in a dry run, what it would have
 * freed).
 *
 * @param finishedAt null while it runs
 * @param error why it failed; null unless {@code state} is {@link GcState#FAILED}
 */
public record GcRun(String id, GcState state, boolean dryRun, boolean untagged, Instant startedAt, Instant finishedAt,
                    long blobsDeleted, long bytesFreed, long manifestsDeleted, long uploadsDeleted, String error) {

    /** A run just started. */
    static GcRun started(String id, GcRequest request, Instant now) {
        return new GcRun(id, GcState.RUNNING, request.dryRun(), request.untagged(), now, null, 0, 0, 0, 0, null);
    }

    GcRun withBlobs(long blobs, long bytes) {
        return new GcRun(id, state, dryRun, untagged, startedAt, finishedAt, blobsDeleted + blobs, bytesFreed + bytes,
                manifestsDeleted, uploadsDeleted, error);
    }

    GcRun withManifests(long manifests) {
        return new GcRun(id, state, dryRun, untagged, startedAt, finishedAt, blobsDeleted, bytesFreed,
                manifestsDeleted + manifests, uploadsDeleted, error);
    }

    GcRun withUploads(long uploads) {
        return new GcRun(id, state, dryRun, untagged, startedAt, finishedAt, blobsDeleted, bytesFreed,
                manifestsDeleted, uploadsDeleted + uploads, error);
    }

    GcRun finished(Instant now) {
        return new GcRun(id, GcState.DONE, dryRun, untagged, startedAt, now, blobsDeleted, bytesFreed,
                manifestsDeleted, uploadsDeleted, null);
    }

    GcRun failed(Instant now, String why) {
        return new GcRun(id, GcState.FAILED, dryRun, untagged, startedAt, now, blobsDeleted, bytesFreed,
                manifestsDeleted, uploadsDeleted, why);
    }
}
