/**
 * Free space on the data directory's filesystem: the reserve that writes keep, so that a full disk refuses
 * uploads with a clear error long before the metadata database runs out of room.
 *
 * <p>Starting point: {@link dev.berth.storage.space.DiskReserve}.
 */
package dev.berth.storage.space;
