/**
 * Storage limits of tenant registries: reservations for uploads in progress and charges on link.
 *
 * <p>Starting points: {@link QuotaLedger}.
 */
package dev.berth.core.quota;
