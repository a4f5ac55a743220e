package dev.berth.core.metadata;

import dev.berth.core.digest.Digest;
import dev.berth.core.name.RepositoryName;

/** A blob of {@code size} bytes to be linked into a repository. */
public record BlobLink(RepositoryName repository, Digest digest, long size) {
}
