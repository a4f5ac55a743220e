package dev.berth.core.cluster;

import java.util.function.Consumer;

/**
 * Keeps the caches of the nodes that share one database true to it. A node that writes announces what it changed
 * once the write has committed; {@link #announce} returns only when every other node has forgotten its cached
 * answers about it, or can no longer answer from its caches ({@link #cachesCurrent} false there), so that a request
 * to any node after the write was acknowledged sees it. The writer forgets its own answers itself, before it
 * announces.
 */
public interface CacheCoherence {
    /** One process owns the database: its own writes are the only changes, so its caches are always current. */
    CacheCoherence SINGLE_PROCESS = new CacheCoherence() {
        @Override
        public boolean cachesCurrent() {
            return true;
        }

        @Override
        public void announce(CacheChange change) {
        }

        @Override
        public void subscribe(Consumer<CacheChange> forget) {
        }
    };

    /**
     * True while this node's caches may answer. False while the node cannot confirm that it has heard of every
     * change announced lately (its connection to the others is down or behind): every read then goes to the store.
     */
    boolean cachesCurrent();

    /** Tells the other nodes of a committed change and waits until each has forgotten it or stopped trusting its caches. */
    void announce(CacheChange change);

    /**
     * Adds what this node does when another node announces a change (or when this node may have missed some:
     * {@link CacheChange#EVERYTHING}). Runs on one thread, in the order the changes were announced.
     */
    void subscribe(Consumer<CacheChange> forget);
}
