/**
 * Garbage collection: freeing the blob files that deletes left unlinked, online, while pushes go on.
 *
 * <p>Starting points: {@link dev.berth.core.gc.GarbageCollector} runs a collection;
 * {@link dev.berth.core.gc.GarbageStore} is what it needs from the metadata store (the candidates and the
 * lock that orders a re-link against a removal); {@link dev.berth.core.gc.GcRunStore} keeps the runs and the
 * lease that lets one node of a cluster collect at a time. The safety argument is in
 * {@code docs/consistency.md}.
 */
package dev.berth.core.gc;
