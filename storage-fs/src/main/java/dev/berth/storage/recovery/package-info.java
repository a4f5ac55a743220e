/**
 * Startup recovery: makes the data directory consistent after a crash.
 *
 * <p>Starting points: {@link dev.berth.storage.recovery.StartupRecovery#run}: its steps, in order.
 */
package dev.berth.storage.recovery;
