/**
 * Tenant registries: the first path component of every image name, with access level and storage limit.
 *
 * <p>Starting points: {@link TenantService}, {@link TenantStore}.
 */
package dev.berth.core.tenant;
