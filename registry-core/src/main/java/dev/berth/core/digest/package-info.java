/**
 * Content digests.
 *
 * <p>Starting points: {@link Digest}.
 */
package dev.berth.core.digest;
