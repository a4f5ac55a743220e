/**
 * The content-addressed blob store on the filesystem.
 *
 * <p>Starting points: {@link dev.berth.storage.blob.FsBlobStore}; {@link dev.berth.storage.blob.FsBlobStore#moveIn} is the one way a blob enters the store.
 */
package dev.berth.storage.blob;
