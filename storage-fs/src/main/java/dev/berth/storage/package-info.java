/**
 * The embedded default storage of Berth, opened from one data directory.
 *
 * <p>Starting points: {@link dev.berth.storage.Storage#open}: opens blobs, uploads and metadata, after startup recovery.
 */
package dev.berth.storage;
