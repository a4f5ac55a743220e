package dev.berth.core.blob;

import dev.berth.core.digest.Digest;

import java.time.Instant;

/** A blob as the blob store holds it: its digest, its size, and when its content was last written. */
public record StoredBlobFile(Digest digest, long size, Instant modified) {
}
