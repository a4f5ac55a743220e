package dev.berth.core.registry;

import dev.berth.core.digest.Digest;

/** A blob linked into a repository. */
public record BlobInfo(Digest digest, long size) {
}
