/**
 * The referrers API.
 *
 * <p>Starting points: {@link ListReferrersHandler}.
 */
package dev.berth.http.v2.referrers;
