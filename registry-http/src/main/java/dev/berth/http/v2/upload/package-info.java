/**
 * Blob upload endpoints: streamed start, chunk and close; status and cancel.
 *
 * <p>Starting points: {@link UploadExchange}, {@link UploadStatusHandler}, {@link CancelUploadHandler}.
 */
package dev.berth.http.v2.upload;
