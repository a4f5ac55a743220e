package dev.berth.core.registry;

import dev.berth.core.digest.Digest;

/**
 * The result of a manifest push.
 *
 * @param subject the subject it refers to, answered as {@code OCI-Subject}, or null
 */
public record PushedManifest(Digest digest, Digest subject) {
}
