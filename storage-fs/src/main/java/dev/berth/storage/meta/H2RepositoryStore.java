package dev.berth.storage.meta;

import dev.berth.core.metadata.RepositoryStore;
import dev.berth.core.name.RepositoryName;

import java.time.Clock;
import java.util.List;

/**
 * The repositories in the {@link Database}: {@code repositories}, one row per repository, each under its
 * registry ({@code registry_id}, never NULL: a repository is created only under an existing registry, by the
 * first link or manifest written into it).
 */
public final class H2RepositoryStore implements RepositoryStore {
    private final Database database;
    private final RepositoryRows repositories;
    private final H2StoredBlobs storedBlobs;

    /** A store over {@code database}, which its owner closes. */
    public H2RepositoryStore(Database database, Clock clock) {
        this.database = database;
        this.repositories = new RepositoryRows(database, clock);
        this.storedBlobs = new H2StoredBlobs(database, clock);
    }

    @Override
    public boolean repositoryExists(RepositoryName repository) {
        return database.transaction(c -> repositories.find(c, repository) != null);
    }

    @Override
    public List<RepositoryName> listRepositories(String last, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        return database.transaction(c -> {
            String sql = "SELECT name FROM repositories" + (last == null ? "" : " WHERE name > ?")
                    + " ORDER BY name FETCH FIRST ? ROWS ONLY";
            Object[] parameters = last == null ? new Object[] {limit} : new Object[] {last, limit};
            return Database.queryList(c, sql, rs -> RepositoryName.parse(rs.getString(1)), parameters);
        });
    }

    @Override
    public boolean deleteRepository(RepositoryName repository) {
        return database.transaction(c -> {
            RepositoryRows.Row row = repositories.locked(c, repository);
            if (row == null) {
                return false;
            }
            H2BlobLinkStore.unlinkAll(c, row, storedBlobs);
            Database.update(c, "DELETE FROM tags WHERE repository_id = ?", row.id());
            Database.update(c, "DELETE FROM manifest_references WHERE repository_id = ?", row.id());
            Database.update(c, "DELETE FROM manifests WHERE repository_id = ?", row.id());
            Database.update(c, "DELETE FROM repositories WHERE id = ?", row.id());
            return true;
        });
    }
}
