/**
 * What a node needs to know of the other nodes that share its metadata and blobs: which node holds an upload
 * session ({@link ClusterMembership}), and how the in-memory caches of every node stay true to the shared
 * database ({@link CacheCoherence}, {@link CacheChange}). A single process is a cluster of one
 * ({@link CacheCoherence#SINGLE_PROCESS}, {@link ClusterMembership#single}).
 */
package dev.berth.core.cluster;
