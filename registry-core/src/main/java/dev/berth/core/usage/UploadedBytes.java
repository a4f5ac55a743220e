package dev.berth.core.usage;

import java.time.LocalDate;

/** The bytes of the uploads (blobs and manifests) that completed into a registry on a UTC day, to be added up. */
public record UploadedBytes(String registry, LocalDate day, long bytes) {
}
