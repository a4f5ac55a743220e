package dev.berth.storage.meta;

import dev.berth.core.digest.Digest;
import dev.berth.core.metadata.TagStore;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.name.Tag;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The tags in the {@link Database}: {@code tags}, one row per repository and name, pointing at a manifest. */
public final class H2TagStore implements TagStore {
    private final Database database;
    private final RepositoryRows repositories;

    /** A store over {@code database}, which its owner closes; {@code clock} stamps the repository a change touches. */
    public H2TagStore(Database database, Clock clock) {
        this.database = database;
        this.repositories = new RepositoryRows(database, clock);
    }

    @Override
    public Optional<Digest> resolveTag(RepositoryName repository, Tag tag) {
        return database.transaction(c -> {
            return Database.queryList(c, "SELECT t.digest FROM tags t JOIN repositories r ON r.id = t.repository_id "
                    + "WHERE r.name = ? AND t.name = ?", rs -> Digest.parse(rs.getString(1)), repository.value(),
                    tag.value()).stream().findFirst();
        });
    }

    @Override
    public List<Tag> listTags(RepositoryName repository, String last, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        return database.transaction(c -> {
            String sql = "SELECT t.name FROM tags t JOIN repositories r ON r.id = t.repository_id WHERE r.name = ?"
                    + (last == null ? "" : " AND t.name > ?")
                    + " ORDER BY t.name FETCH FIRST ? ROWS ONLY";
            Object[] parameters = last == null ? new Object[] {repository.value(), limit}
                    : new Object[] {repository.value(), last, limit};
            return Database.queryList(c, sql, rs -> Tag.parse(rs.getString(1)), parameters);
        });
    }

    @Override
    public boolean deleteTag(RepositoryName repository, Tag tag) {
        return database.transaction(c -> {
            RepositoryRows.Row row = repositories.locked(c, repository);
            if (row == null || Database.update(c, "DELETE FROM tags WHERE repository_id = ? AND name = ?",
                    row.id(), tag.value()) == 0) {
                return false;
            }
            repositories.touch(c, row.id());
            return true;
        });
    }

    /** Points the tag at a manifest of the repository, moving it from any other; part of a manifest's push. */
    static void point(Connection c, long repositoryId, Tag tag, Digest manifest, Instant pushedAt) throws SQLException {
        int updated = Database.update(c, "UPDATE tags SET digest = ?, pushed_at = ? WHERE repository_id = ? AND name = ?",
                manifest.value(), Database.timestamp(pushedAt), repositoryId, tag.value());
        if (updated == 0) {
            Database.update(c, "INSERT INTO tags (repository_id, name, digest, pushed_at) VALUES (?, ?, ?, ?)",
                    repositoryId, tag.value(), manifest.value(), Database.timestamp(pushedAt));
        }
    }
}
