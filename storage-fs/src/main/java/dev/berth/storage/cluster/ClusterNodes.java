package dev.berth.storage.cluster;

import dev.berth.storage.meta.Database;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@code cluster_nodes} table: each node's address and heartbeat. Every time is PostgreSQL's own
 * ({@code CURRENT_TIMESTAMP}), so that the nodes' clocks never have to agree.
 */
final class ClusterNodes {
    private final String liveWithin;

    /** @param live how recent a heartbeat must be for its node to count as live */
    ClusterNodes(Duration live) {
        this.liveWithin = "CURRENT_TIMESTAMP - INTERVAL '" + live.toMillis() + " milliseconds'";
    }

    /** Records the node's address and a heartbeat now: its first, or the next. */
    void heartbeat(Connection c, String node, String address) throws SQLException {
        Database.update(c, "INSERT INTO cluster_nodes (node_id, address, heartbeat_at) VALUES (?, ?, CURRENT_TIMESTAMP) "
                + "ON CONFLICT (node_id) DO UPDATE SET address = EXCLUDED.address, heartbeat_at = EXCLUDED.heartbeat_at",
                node, address);
    }

    /** The live nodes (this one included when it is), by id, with their addresses. */
    Map<String, String> live(Connection c) throws SQLException {
        Map<String, String> live = new HashMap<>();
        Database.queryList(c, "SELECT node_id, address FROM cluster_nodes WHERE heartbeat_at > " + liveWithin,
                rs -> live.put(rs.getString(1), rs.getString(2)));
        return live;
    }

    /** Removes the node's row: it stops, and no one should wait for it. */
    void leave(Connection c, String node) throws SQLException {
        Database.update(c, "DELETE FROM cluster_nodes WHERE node_id = ?", node);
    }
}
