/**
 * Blobs in an S3-compatible object store. An upload stages its bytes in the node's data directory while the
 * digest runs over them, as on the filesystem, and ships them to a multipart upload part by part as they arrive
 * ({@link dev.berth.storage.s3.S3UploadSink}); the blob's object keeps the name it was uploaded under, and a row
 * of the metadata database says which object holds which digest ({@link dev.berth.storage.s3.S3BlobStore}).
 *
 * <p>Starting points: {@link dev.berth.storage.s3.S3Location#open}.
 */
package dev.berth.storage.s3;
