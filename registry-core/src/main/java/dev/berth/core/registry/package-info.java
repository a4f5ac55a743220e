/**
 * The registry's push, pull and delete rules over the storage ports.
 *
 * <p>Starting points: {@link RegistryService}, {@link RegistryLimits}.
 */
package dev.berth.core.registry;
