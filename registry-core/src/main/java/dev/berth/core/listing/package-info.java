/**
 * Paging of management listings: which page to return and the total it was cut from.
 *
 * <p>Starting points: {@link PageRequest}, {@link Listing}.
 */
package dev.berth.core.listing;
