-- Berth metadata, version 7 (PostgreSQL only: an embedded database has one node): the nodes of a cluster.
--
-- Each node keeps its row's heartbeat fresh from the connection it listens for the other nodes' cache changes on
-- (LISTEN/NOTIFY), so that a fresh heartbeat means "hears every change": a node that announces a change waits for
-- the acknowledgement of each node whose heartbeat is fresh, and reaches another node's upload sessions at its
-- address.
CREATE TABLE cluster_nodes (
    node_id      VARCHAR(8)               NOT NULL,
    address      VARCHAR(255)             NOT NULL,
    heartbeat_at TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_cluster_nodes PRIMARY KEY (node_id)
);
