/**
 * JSON in and out of the management API: one configured mapper, a strict reader for request bodies that
 * tells an absent field from an explicit {@code null}, RFC 3339 timestamps and the shared list and group
 * result shapes.
 *
 * <p>Starting points: {@link dev.berth.management.json.JsonBody}, {@link dev.berth.management.json.Json},
 * {@link dev.berth.management.json.Timestamps}.
 */
package dev.berth.management.json;
