/**
 * Linking blobs into repositories, the last step of every push, group-committed per registry.
 *
 * <p>Starting point: {@link BlobLinker}.
 */
package dev.berth.core.link;
