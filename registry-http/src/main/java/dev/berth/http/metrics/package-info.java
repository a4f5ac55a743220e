/**
 * Metrics: Micrometer meters exposed in the Prometheus format at {@code /metrics}.
 *
 * <p>Starting points: {@link dev.berth.http.metrics.RegistryMetrics}.
 */
package dev.berth.http.metrics;
