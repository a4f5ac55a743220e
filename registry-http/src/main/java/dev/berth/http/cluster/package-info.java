/**
 * What a node of a cluster does for the others at the HTTP edge: requests about an upload session that another node
 * holds are handed to that node ({@link dev.berth.http.cluster.UploadForwarding}).
 */
package dev.berth.http.cluster;
