/**
 * Upload sessions on the filesystem, with a streaming SHA-256 that survives a restart.
 *
 * <p>Starting points: {@link dev.berth.storage.upload.FsUploadStore}: creates and finds sessions; {@code FsBlobUpload}: one session, its append and commit.
 */
package dev.berth.storage.upload;
