package dev.berth.core.user;

import dev.berth.core.listing.Listing;
import dev.berth.core.listing.PageRequest;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Repository users with their permissions, and the server's own settings (the admin token's hash). */
public interface UserStore {
    /** Inserts a user; false when its name is taken. */
    boolean insert(User user);

    /** Replaces a user's fields and permissions; false when it does not exist. */
    boolean update(User user);

    boolean delete(String id);

    Optional<User> find(String id);

    Optional<User> findByName(String name);

    /**
     * Users ordered by name, filtered by name substring and, when not null, by a permission on {@code registry}
     * and by their {@code status} at {@code now}.
     */
    Listing<User> list(PageRequest page, String registry, UserStatus status, Instant now);

    /** Every user, to build the in-memory directory at start-up. */
    List<User> all();

    Optional<String> setting(String key);

    void putSetting(String key, String value);
}
