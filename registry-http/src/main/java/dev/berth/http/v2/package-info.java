/**
 * The /v2 endpoint table and the URLs it hands out.
 *
 * <p>Starting points: {@link V2Endpoints}, {@link V2Locations}.
 */
package dev.berth.http.v2;
