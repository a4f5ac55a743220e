/**
 * Pull counters and history, collected off the request path and written in batches.
 *
 * <p>Starting points: {@link UsageRecorder}, {@link UsageStore}.
 */
package dev.berth.core.usage;
