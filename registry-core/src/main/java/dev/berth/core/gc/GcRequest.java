package dev.berth.core.gc;

/**
 * What a collection is asked to do.
 *
 * @param dryRun count what would be freed and change nothing
 * @param untagged also delete the untagged manifests that nothing keeps ({@link GarbageStore#deleteUntagged})
 */
public record GcRequest(boolean dryRun, boolean untagged) {
    /** A scheduled run: blobs, manifests' bytes and expired uploads, no untagged manifests. */
    public static final GcRequest SCHEDULED = new GcRequest(false, false);
}
