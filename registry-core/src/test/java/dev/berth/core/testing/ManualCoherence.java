package dev.berth.core.testing;

import dev.berth.core.cluster.CacheChange;
import dev.berth.core.cluster.CacheCoherence;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A {@link CacheCoherence} a test drives: it says whether the caches may answer, records what this node
 * announced, and delivers another node's change ({@link #tell}) as the real one does, to every subscriber in turn.
 */
public final class ManualCoherence implements CacheCoherence {
    private final List<Consumer<CacheChange>> subscribers = new CopyOnWriteArrayList<>();
    private final List<CacheChange> announced = new CopyOnWriteArrayList<>();
    private volatile boolean current = true;

    @Override
    public boolean cachesCurrent() {
        return current;
    }

    public void current(boolean current) {
        this.current = current;
    }

    @Override
    public void announce(CacheChange change) {
        announced.add(change);
    }

    /** What this node announced, in order. */
    public List<CacheChange> announced() {
        return announced;
    }

    @Override
    public void subscribe(Consumer<CacheChange> forget) {
        subscribers.add(forget);
    }

    /** Another node's change arrives. */
    public void tell(CacheChange change) {
        subscribers.forEach(forget -> forget.accept(change));
    }
}
