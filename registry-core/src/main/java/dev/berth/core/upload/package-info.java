/**
 * The upload-session port: streaming SHA-256 into a durable partial file.
 *
 * <p>Starting points: {@link UploadStore}, {@link BlobUpload}, {@link UploadId}.
 */
package dev.berth.core.upload;
