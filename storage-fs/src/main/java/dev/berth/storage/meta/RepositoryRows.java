package dev.berth.storage.meta;

import dev.berth.core.error.RegistryException;
import dev.berth.core.name.RepositoryName;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.OffsetDateTime;

/**
 * The {@code repositories} rows as the metadata stores' transactions find, lock and create them: the steps
 * every write to a repository starts with.
 *
 * <p>Locking: a writing transaction locks its registry's row ({@link Database#lockRegistry}) before it reads
 * or creates the repository's row, so that writes to one registry commit one after the other (the argument
 * is in {@code docs/consistency.md}).
 */
final class RepositoryRows {
    /** A repository's row: its id, and its registry's id. */
    record Row(long id, long registryId) {
    }

    private final Database database;
    private final Clock clock;

    /** @param clock stamps new repositories and users' changes to them */
    RepositoryRows(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /** Locks the registry's row; {@code NAME_UNKNOWN} when the registry does not exist. */
    long requireRegistry(Connection c, String registry) throws SQLException {
        Long id = database.lockRegistry(c, registry);
        if (id == null) {
            throw RegistryException.nameUnknown(registry);
        }
        return id;
    }

    /** The repository's row after locking its registry's, or null when either does not exist. */
    Row locked(Connection c, RepositoryName repository) throws SQLException {
        return database.lockRegistry(c, repository.registry()) == null ? null : find(c, repository);
    }

    /** The repository's row as this transaction sees it, without locking; null when it does not exist. */
    Row find(Connection c, RepositoryName repository) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT id, registry_id FROM repositories WHERE name = ?")) {
            s.setString(1, repository.value());
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? read(rs) : null;
            }
        }
    }

    /**
     * The repository's row, inserting it when absent under its registry, whose row the caller has locked
     * ({@link #requireRegistry}); a concurrent insert surfaces as a retried conflict.
     */
    Row ensure(Connection c, RepositoryName repository, long registryId) throws SQLException {
        Row existing = find(c, repository);
        if (existing != null) {
            return existing;
        }
        OffsetDateTime now = Database.timestamp(clock.instant());
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO repositories (name, registry_id, created_at, updated_at) VALUES (?, ?, ?, ?)",
                Statement.RETURN_GENERATED_KEYS)) {
            Database.bind(s, repository.value(), registryId, now, now);
            s.executeUpdate();
            try (ResultSet keys = s.getGeneratedKeys()) {
                if (!keys.next()) {
                    throw new SQLException("no id generated for repository " + repository);
                }
                return new Row(keys.getLong(1), registryId);
            }
        }
    }

    /** Marks a change users see (manifests, tags); blob links alone do not count, and would make it a hot row. */
    void touch(Connection c, long id) throws SQLException {
        Database.update(c, "UPDATE repositories SET updated_at = ? WHERE id = ?", Database.timestamp(clock.instant()), id);
    }

    /** Reads a row selected as {@code id, registry_id}. */
    static Row read(ResultSet rs) throws SQLException {
        return new Row(rs.getLong(1), rs.getLong(2));
    }
}
