package dev.berth.core.auth;

import dev.berth.core.cluster.CacheCoherence;
import dev.berth.core.memory.MemoryOnly;
import dev.berth.core.user.User;
import dev.berth.core.user.UserStore;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The live users, in memory, by name and by id. Every change to a user goes to the store and then here,
 * so the next request sees it without asking the store; this is what makes revocation immediate while
 * verified credentials stay cached. On a node of a cluster the other nodes' changes arrive through
 * {@link CacheCoherence} ({@link dev.berth.core.user.UserService} applies them), and while this node cannot confirm
 * that it has heard of them all, every lookup asks the store.
 */
public final class UserDirectory {
    private final Map<String, User> byName = new ConcurrentHashMap<>();
    private final Map<String, User> byId = new ConcurrentHashMap<>();
    private final CacheCoherence coherence;
    private final UserStore store;

    /** The directory of a process that owns its store: nothing but its own writes changes the users. */
    public UserDirectory() {
        this(CacheCoherence.SINGLE_PROCESS, null);
    }

    /** The directory of a node of a cluster, which asks {@code store} while {@code coherence} says it may be behind. */
    public UserDirectory(CacheCoherence coherence, UserStore store) {
        this.coherence = coherence;
        this.store = store;
    }

    public void load(Collection<User> users) {
        users.forEach(this::put);
    }

    /** Makes the directory hold exactly {@code users}: those missing from it are dropped. */
    public void replaceAll(Collection<User> users) {
        load(users);
        Set<String> ids = users.stream().map(User::id).collect(Collectors.toSet());
        for (String id : Set.copyOf(byId.keySet())) {
            if (!ids.contains(id)) {
                remove(id);
            }
        }
    }

    public void put(User user) {
        User previous = byId.put(user.id(), user);
        if (previous != null && !previous.name().equals(user.name())) {
            byName.remove(previous.name());
        }
        byName.put(user.name(), user);
    }

    public void remove(String id) {
        User previous = byId.remove(id);
        if (previous != null) {
            byName.remove(previous.name());
        }
    }

    public Optional<User> byName(String name) {
        if (coherence.cachesCurrent()) {
            return Optional.ofNullable(byName.get(name));
        }
        MemoryOnly.checkMayLoad();
        return store.findByName(name);
    }

    public Optional<User> byId(String id) {
        if (coherence.cachesCurrent()) {
            return Optional.ofNullable(byId.get(id));
        }
        MemoryOnly.checkMayLoad();
        return store.find(id);
    }

    public Collection<User> all() {
        return byId.values();
    }
}
