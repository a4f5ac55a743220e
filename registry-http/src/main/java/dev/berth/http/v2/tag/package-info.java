/**
 * Listings: tags of a repository and the catalog, with n/last paging.
 *
 * <p>Starting points: {@link ListTagsHandler}, {@link CatalogHandler}.
 */
package dev.berth.http.v2.tag;
