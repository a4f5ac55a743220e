/**
 * The management plane's view of repositories, artifacts and tags, and their deletion.
 *
 * <p>Starting points: {@link CatalogService}, {@link CatalogStore}.
 */
package dev.berth.core.catalog;
