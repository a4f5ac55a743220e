/**
 * Back-pressure and ordering for streamed uploads.
 *
 * <p>Starting points: {@link UploadFlowControl}, {@link SerialExecutor}.
 */
package dev.berth.http.flow;
