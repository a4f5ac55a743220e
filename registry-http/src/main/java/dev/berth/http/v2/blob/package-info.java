/**
 * Blob endpoints: get (with ranges), head, delete.
 *
 * <p>Starting points: {@link GetBlobHandler}, {@link DeleteBlobHandler}.
 */
package dev.berth.http.v2.blob;
