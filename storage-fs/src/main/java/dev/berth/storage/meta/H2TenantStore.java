package dev.berth.storage.meta;

import dev.berth.core.listing.Listing;
import dev.berth.core.listing.PageRequest;
import dev.berth.core.tenant.TenantRegistry;
import dev.berth.core.tenant.TenantStore;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static dev.berth.storage.meta.Database.instant;

/**
 * The tenant registries in the H2 {@link Database}. Their usage ({@code storage_used_bytes}) is maintained by
 * {@link H2BlobLinkStore} as blobs are linked and unlinked; this store only reads it. A registry's deletion
 * locks its row first, as every write into the registry does, so that nothing written into it survives the
 * deletion and a registry created again under the same name starts empty.
 */
public final class H2TenantStore implements TenantStore {
    private static final String COLUMNS = "g.name, g.is_public, g.storage_limit_bytes, g.storage_used_bytes, "
            + "(SELECT COUNT(*) FROM repositories r WHERE r.registry_id = g.id) AS repo_count, "
            + "g.created_at, g.updated_at";

    private final Database database;
    private final H2StoredBlobs storedBlobs;

    /** @param clock marks the blobs a registry's deletion leaves unlinked as candidates for collection */
    public H2TenantStore(Database database, Clock clock) {
        this.database = database;
        this.storedBlobs = new H2StoredBlobs(database, clock);
    }

    @Override
    public Optional<TenantRegistry> find(String name) {
        return database.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM registries g WHERE g.name = ?")) {
                s.setString(1, name);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? Optional.of(read(rs)) : Optional.<TenantRegistry>empty();
                }
            }
        });
    }

    @Override
    public boolean create(String name, boolean isPublic, Long storageLimitBytes, Instant now) {
        return database.transaction(c -> {
            if (Database.registryId(c, name) != null) {
                return false;
            }
            // A concurrent create of the same name fails on the unique key; its retry answers false above.
            Database.update(c, "INSERT INTO registries (name, is_public, storage_limit_bytes, storage_used_bytes, created_at, "
                    + "updated_at) VALUES (?, ?, ?, 0, ?, ?)", name, isPublic, storageLimitBytes, now, now);
            return true;
        });
    }

    @Override
    public Listing<TenantRegistry> list(PageRequest page, Boolean isPublic) {
        return database.transaction(c -> {
            PagedQuery query = new PagedQuery("registries g").whereContains("g.name", page.nameContains());
            if (isPublic != null) {
                query.where("g.is_public = ?", isPublic);
            }
            return query.list(c, COLUMNS, "g.name", page, H2TenantStore::read);
        });
    }

    @Override
    public boolean update(String name, Boolean isPublic, boolean changeLimit, Long storageLimitBytes, Instant now) {
        return database.transaction(c -> {
            StringBuilder sql = new StringBuilder("UPDATE registries SET updated_at = ?");
            List<Object> parameters = new ArrayList<>();
            parameters.add(now);
            if (isPublic != null) {
                sql.append(", is_public = ?");
                parameters.add(isPublic);
            }
            if (changeLimit) {
                sql.append(", storage_limit_bytes = ?");
                parameters.add(storageLimitBytes);
            }
            sql.append(" WHERE name = ?");
            parameters.add(name);
            return Database.update(c, sql.toString(), parameters.toArray()) > 0;
        });
    }

    @Override
    public boolean delete(String name) {
        return database.transaction(c -> {
            // A write into the registry that holds the lock commits first, and the deletes below see what it
            // wrote; one that comes later finds no registry and writes nothing.
            Long id = database.lockRegistry(c, name);
            if (id == null) {
                return false;
            }
            String repositories = "SELECT id FROM repositories WHERE registry_id = ?";
            Object[] which = {id};
            Database.update(c, "DELETE FROM tags WHERE repository_id IN (" + repositories + ")", which);
            Database.update(c, "DELETE FROM manifest_references WHERE repository_id IN (" + repositories + ")", which);
            Database.update(c, "DELETE FROM manifests WHERE repository_id IN (" + repositories + ")", which);
            List<String> linked = Database.queryList(c, "SELECT DISTINCT digest FROM blob_links WHERE repository_id IN ("
                    + repositories + ")", rs -> rs.getString(1), which);
            Database.update(c, "DELETE FROM blob_links WHERE repository_id IN (" + repositories + ")", which);
            storedBlobs.markUnlinked(c, linked);
            Database.update(c, "DELETE FROM repositories WHERE id IN (" + repositories + ")", which);
            Database.update(c, "DELETE FROM registry_blobs WHERE registry_id = ?", id);
            Database.update(c, "DELETE FROM user_permissions WHERE registry_id = ?", id);
            Database.update(c, "DELETE FROM history WHERE registry_id = ?", id);
            Database.update(c, "DELETE FROM registry_daily_usage WHERE registry_id = ?", id);
            Database.update(c, "DELETE FROM registries WHERE id = ?", id);
            return true;
        });
    }

    private static TenantRegistry read(ResultSet rs) throws SQLException {
        long limit = rs.getLong("storage_limit_bytes");
        Long storageLimitBytes = rs.wasNull() ? null : limit;
        return new TenantRegistry(rs.getString("name"), rs.getBoolean("is_public"), storageLimitBytes,
                rs.getLong("storage_used_bytes"), rs.getLong("repo_count"), instant(rs, "created_at"),
                instant(rs, "updated_at"));
    }
}
