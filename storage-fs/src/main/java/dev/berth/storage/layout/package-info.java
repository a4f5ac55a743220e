/**
 * Where everything lives under the data directory, and how files there are made durable.
 *
 * <p>Starting points: {@link dev.berth.storage.layout.DataLayout}: the layout, documented in one place; {@link dev.berth.storage.layout.Durability}: directory fsync.
 */
package dev.berth.storage.layout;
