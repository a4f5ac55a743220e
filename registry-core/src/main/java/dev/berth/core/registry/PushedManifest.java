package dev.berth.core.registry;

import dev.berth.core.digest.Digest;
import dev.berth.core.name.Tag;

import java.util.List;

/**
 * The result of a manifest push.
 *
 * @param subject the subject it refers to, answered as {@code OCI-Subject}, or null
 * @param tags the tags pointed at it
 */
public record PushedManifest(Digest digest, Digest subject, List<Tag> tags) {
}
