/**
 * Tenant registries: create, list, get, resize or change access, delete. Storage limits are taken in bytes
 * or whole GiB (2^30 bytes) and answered in both.
 *
 * <p>Starting points: {@link dev.berth.management.registry.RegistryRoutes},
 * {@code RegistryView} (the registry object), {@code StorageLimitInput} (the limit fields' rules).
 */
package dev.berth.management.registry;
