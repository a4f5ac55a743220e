/**
 * The integrity check of a data directory: re-hashes the blob files, finds records of missing blobs, blob
 * files nothing records and usage counters that disagree with the links, and repairs what it can without
 * losing data.
 *
 * <p>Starting points: {@link dev.berth.storage.check.IntegrityCheck} (what it opens, the order of its checks),
 * {@link dev.berth.storage.check.Finding} (the kinds of finding, and which are problems),
 * {@link dev.berth.storage.check.CheckReport} (the counts that decide the exit status).
 */
package dev.berth.storage.check;
