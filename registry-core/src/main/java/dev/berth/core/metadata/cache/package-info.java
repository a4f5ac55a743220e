/**
 * The in-memory cache in front of the metadata ports, invalidated by repository generation.
 *
 * <p>Starting point: {@link MetadataCache}.
 */
package dev.berth.core.metadata.cache;
