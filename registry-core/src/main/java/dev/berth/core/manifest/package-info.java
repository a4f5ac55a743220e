/**
 * Manifest formats: parsing and shape checks of OCI image manifests and indexes and Docker schema2 manifests and lists.
 *
 * <p>Starting points: {@link ManifestParser}, {@link ParsedManifest}, {@link MediaTypes}.
 */
package dev.berth.core.manifest;
