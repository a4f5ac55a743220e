package dev.berth.core.auth;

import dev.berth.core.user.User;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live users, in memory, by name and by id. Every change to a user goes to the store and then here,
 * so the next request sees it without asking the store; this is what makes revocation immediate while
 * verified credentials stay cached.
 */
public final class UserDirectory {
    private final Map<String, User> byName = new ConcurrentHashMap<>();
    private final Map<String, User> byId = new ConcurrentHashMap<>();

    public void load(Collection<User> users) {
        users.forEach(this::put);
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
        return Optional.ofNullable(byName.get(name));
    }

    public Optional<User> byId(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    public Collection<User> all() {
        return byId.values();
    }
}
