package dev.berth.core.registry;

import dev.berth.core.digest.Digest;

/** A manifest as it is served: its exact bytes, media type and digest. */
public record StoredManifest(Digest digest, String mediaType, byte[] content) {
}
