/**
 * Manifest endpoints: get, put, delete.
 *
 * <p>Starting points: {@link GetManifestHandler}, {@link PutManifestHandler}, {@link DeleteManifestHandler}.
 */
package dev.berth.http.v2.manifest;
