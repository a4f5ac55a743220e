package dev.berth.core.cluster;

import java.util.Optional;

/**
 * The nodes of the cluster by their ids: this node's own, and where to reach another one (to hand it a request
 * about an upload session it holds).
 */
public interface ClusterMembership {
    /** This node's id: eight lowercase hex characters, the first eight of every upload id it hands out. */
    String self();

    /** The {@code host:port} of a live node, empty when no live node has that id. */
    Optional<String> addressOf(String node);

    /** A process alone with its data: it holds every session there is. */
    static ClusterMembership single(String self) {
        return new ClusterMembership() {
            @Override
            public String self() {
                return self;
            }

            @Override
            public Optional<String> addressOf(String node) {
                return Optional.empty();
            }
        };
    }
}
