/**
 * The content-addressed blob store on the filesystem.
 *
 * <p>Starting points: {@link dev.berth.storage.blob.FsBlobStore}; {@link dev.berth.storage.blob.FsBlobStore#moveIn} is the one way a blob enters the store; {@link dev.berth.storage.blob.FileHashing} hashes a file on disk through a fixed-size buffer.
 */
package dev.berth.storage.blob;
