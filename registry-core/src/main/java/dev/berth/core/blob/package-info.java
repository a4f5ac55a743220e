/**
 * The content-addressed blob port.
 *
 * <p>Starting points: {@link BlobStore}, {@link BlobContent}.
 */
package dev.berth.core.blob;
