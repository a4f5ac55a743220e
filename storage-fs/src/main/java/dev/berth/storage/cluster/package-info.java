/**
 * The nodes of a cluster that share a PostgreSQL database: {@link dev.berth.storage.cluster.PostgresCluster}
 * keeps each node's caches coherent with {@code LISTEN/NOTIFY} and tells where each node is.
 */
package dev.berth.storage.cluster;
