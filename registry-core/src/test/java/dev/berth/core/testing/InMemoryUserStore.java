package dev.berth.core.testing;

import dev.berth.core.listing.Listing;
import dev.berth.core.listing.PageRequest;
import dev.berth.core.user.User;
import dev.berth.core.user.UserStatus;
import dev.berth.core.user.UserStore;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Users and settings in maps; names are unique. A partial stand-in for service tests, not held to
 * {@link dev.berth.core.user.UserStoreContract}: it keeps permissions as given (in that order, and on registries
 * that do not exist), an insert with a taken id replaces that user, and {@link #all} is in no order.
 */
public final class InMemoryUserStore implements UserStore {
    private final Map<String, User> users = new ConcurrentHashMap<>();
    private final Map<String, String> settings = new ConcurrentHashMap<>();

    @Override
    public synchronized boolean insert(User user) {
        if (users.values().stream().anyMatch(u -> u.name().equals(user.name()))) {
            return false;
        }
        users.put(user.id(), user);
        return true;
    }

    @Override
    public synchronized boolean update(User user) {
        return users.replace(user.id(), user) != null;
    }

    @Override
    public synchronized boolean delete(String id) {
        return users.remove(id) != null;
    }

    @Override
    public Optional<User> find(String id) {
        return Optional.ofNullable(users.get(id));
    }

    @Override
    public synchronized Optional<User> findByName(String name) {
        return users.values().stream().filter(user -> user.name().equals(name)).findFirst();
    }

    @Override
    public synchronized Listing<User> list(PageRequest page, String registry, UserStatus status, Instant now) {
        List<User> matching = users.values().stream()
                .filter(u -> status == null || UserStatus.of(u, now) == status)
                .filter(u -> page.nameContains() == null || u.name().toLowerCase(Locale.ROOT).contains(page.nameContains()))
                .filter(u -> registry == null || u.accessTo(registry) != null)
                .sorted(Comparator.comparing(User::name))
                .toList();
        return new Listing<>(matching.size(), matching.stream().skip(page.offset()).limit(page.size()).toList());
    }

    @Override
    public List<User> all() {
        return List.copyOf(users.values());
    }

    @Override
    public Optional<String> setting(String key) {
        return Optional.ofNullable(settings.get(key));
    }

    @Override
    public void putSetting(String key, String value) {
        settings.put(key, value);
    }
}
