package dev.berth.storage.meta;

import dev.berth.core.listing.Listing;
import dev.berth.core.listing.PageRequest;
import dev.berth.core.user.Access;
import dev.berth.core.user.Permission;
import dev.berth.core.user.User;
import dev.berth.core.user.UserStatus;
import dev.berth.core.user.UserStore;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.berth.storage.meta.Database.bind;
import static dev.berth.storage.meta.Database.instant;

/**
 * Repository users with their per-registry permissions, and the server's settings, in the H2 {@link Database}.
 *
 * <p>A permission names its registry by id: a permission on a registry that does not exist (any more) is not
 * stored, and deleting a registry removes the permissions on it ({@link H2TenantStore#delete}). When a user's
 * list names one registry twice, the first entry counts. Permissions are read back ordered by registry name.
 */
public final class H2UserStore implements UserStore {
    private static final String COLUMNS = "u.id, u.name, u.description, u.enabled, u.duration_days, u.expires_at, "
            + "u.created_at, u.updated_at, u.secret_hash";

    private final Database database;

    public H2UserStore(Database database) {
        this.database = database;
    }

    @Override
    public boolean insert(User user) {
        return database.transaction(c -> {
            if (Database.queryLong(c, "SELECT COUNT(*) FROM users WHERE id = ? OR name = ?", user.id(), user.name()) > 0) {
                return false;
            }
            // A concurrent insert of the same name fails on the unique key; its retry answers false above.
            Database.update(c, "INSERT INTO users (id, name, description, enabled, duration_days, expires_at, created_at, "
                            + "updated_at, secret_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    user.id(), user.name(), user.description(), user.enabled(), user.durationDays(), user.expiresAt(),
                    user.createdAt(), user.updatedAt(), user.secretHash());
            writePermissions(c, user);
            return true;
        });
    }

    @Override
    public boolean update(User user) {
        return database.transaction(c -> {
            int updated = Database.update(c, "UPDATE users SET name = ?, description = ?, enabled = ?, duration_days = ?, "
                            + "expires_at = ?, created_at = ?, updated_at = ?, secret_hash = ? WHERE id = ?",
                    user.name(), user.description(), user.enabled(), user.durationDays(), user.expiresAt(),
                    user.createdAt(), user.updatedAt(), user.secretHash(), user.id());
            if (updated == 0) {
                return false;
            }
            Database.update(c, "DELETE FROM user_permissions WHERE user_id = ?", user.id());
            writePermissions(c, user);
            return true;
        });
    }

    @Override
    public boolean delete(String id) {
        return database.transaction(c -> {
            Database.update(c, "DELETE FROM user_permissions WHERE user_id = ?", id);
            return Database.update(c, "DELETE FROM users WHERE id = ?", id) > 0;
        });
    }

    @Override
    public Optional<User> find(String id) {
        return database.transaction(c -> {
            List<User> found = select(c, " WHERE u.id = ?", List.of(id));
            return found.stream().findFirst();
        });
    }

    @Override
    public Optional<User> findByName(String name) {
        return database.transaction(c -> select(c, " WHERE u.name = ?", List.of(name)).stream().findFirst());
    }

    @Override
    public Listing<User> list(PageRequest page, String registry, UserStatus status, Instant now) {
        return database.transaction(c -> {
            PagedQuery query = new PagedQuery("users u").whereContains("u.name", page.nameContains());
            if (registry != null) {
                query.where("EXISTS (SELECT 1 FROM user_permissions p JOIN registries g ON g.id = p.registry_id "
                        + "WHERE p.user_id = u.id AND g.name = ?)", registry);
            }
            if (status != null) {
                // As UserStatus.of decides it: disabled first, then expired once expires_at is not after now.
                switch (status) {
                    case DISABLED -> query.where("u.enabled = FALSE");
                    case EXPIRED -> query.where("u.enabled = TRUE AND u.expires_at <= ?", now);
                    case ENABLED -> query.where("u.enabled = TRUE AND (u.expires_at IS NULL OR u.expires_at > ?)", now);
                }
            }
            Listing<User> rows = query.list(c, COLUMNS, "u.name", page, H2UserStore::readUser);
            return new Listing<>(rows.count(), withPermissions(c, rows.results()));
        });
    }

    @Override
    public List<User> all() {
        return database.transaction(c -> select(c, " ORDER BY u.name", List.of()));
    }

    @Override
    public Optional<String> setting(String key) {
        return database.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT setting_value FROM settings WHERE setting_key = ?")) {
                s.setString(1, key);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
                }
            }
        });
    }

    @Override
    public void putSetting(String key, String value) {
        database.transaction(c -> {
            if (Database.update(c, "UPDATE settings SET setting_value = ? WHERE setting_key = ?", value, key) == 0) {
                // A concurrent first put of the same key fails on the primary key; its retry updates.
                Database.update(c, "INSERT INTO settings (setting_key, setting_value) VALUES (?, ?)", key, value);
            }
            return null;
        });
    }

    // --- steps

    private static void writePermissions(Connection c, User user) throws SQLException {
        Map<Long, Access> byRegistry = new LinkedHashMap<>();
        for (Permission permission : user.permissions()) {
            Long registryId = Database.registryId(c, permission.registry());
            if (registryId != null) {
                byRegistry.putIfAbsent(registryId, permission.access());
            }
        }
        if (byRegistry.isEmpty()) {
            return;
        }
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO user_permissions (user_id, registry_id, access) VALUES (?, ?, ?)")) {
            for (Map.Entry<Long, Access> entry : byRegistry.entrySet()) {
                bind(s, user.id(), entry.getKey(), entry.getValue().wireName());
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    /** The users matching {@code whereAndOrder} (on alias {@code u}), with their permissions. */
    private static List<User> select(Connection c, String whereAndOrder, List<Object> parameters) throws SQLException {
        List<User> users = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM users u" + whereAndOrder)) {
            bind(s, parameters.toArray());
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    users.add(readUser(rs));
                }
            }
        }
        return withPermissions(c, users);
    }

    /** A user's row, without its permissions. */
    private static User readUser(ResultSet rs) throws SQLException {
        return new User(rs.getString("id"), rs.getString("name"), rs.getString("description"),
                rs.getBoolean("enabled"), rs.getInt("duration_days"), instant(rs, "expires_at"),
                instant(rs, "created_at"), instant(rs, "updated_at"), List.of(), rs.getString("secret_hash"));
    }

    /** The users with their permissions, read in one query per chunk of users. */
    private static List<User> withPermissions(Connection c, List<User> users) throws SQLException {
        if (users.isEmpty()) {
            return users;
        }
        Map<String, List<Permission>> permissions = permissions(c, users);
        List<User> complete = new ArrayList<>(users.size());
        for (User u : users) {
            complete.add(new User(u.id(), u.name(), u.description(), u.enabled(), u.durationDays(), u.expiresAt(),
                    u.createdAt(), u.updatedAt(), permissions.getOrDefault(u.id(), List.of()), u.secretHash()));
        }
        return complete;
    }

    /** The permissions of the users, each list ordered by registry name. */
    private static Map<String, List<Permission>> permissions(Connection c, List<User> users) throws SQLException {
        Map<String, List<Permission>> byUser = new HashMap<>();
        // One query per chunk of users rather than per user; the chunk keeps the IN list short.
        int chunk = 500;
        for (int from = 0; from < users.size(); from += chunk) {
            List<User> part = users.subList(from, Math.min(users.size(), from + chunk));
            String marks = String.join(", ", java.util.Collections.nCopies(part.size(), "?"));
            try (PreparedStatement s = c.prepareStatement("SELECT p.user_id, g.name, p.access FROM user_permissions p "
                    + "JOIN registries g ON g.id = p.registry_id WHERE p.user_id IN (" + marks + ") ORDER BY p.user_id, g.name")) {
                bind(s, part.stream().map(User::id).toArray());
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        Access access = Access.parse(rs.getString(3));
                        if (access == null) {
                            throw new SQLException("stored access is neither pull nor push: " + rs.getString(3));
                        }
                        byUser.computeIfAbsent(rs.getString(1), id -> new ArrayList<>())
                                .add(new Permission(rs.getString(2), access));
                    }
                }
            }
        }
        return byUser;
    }
}
