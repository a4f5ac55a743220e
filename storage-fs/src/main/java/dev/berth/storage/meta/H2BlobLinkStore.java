package dev.berth.storage.meta;

import dev.berth.core.digest.Digest;
import dev.berth.core.metadata.BlobLink;
import dev.berth.core.metadata.BlobLinkStore;
import dev.berth.core.name.RepositoryName;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * The blob links in the {@link Database}: {@code blob_links} (one row per repository and blob) and the
 * registry usage they add up to.
 *
 * <p>Registry usage: {@code registry_blobs} holds one row per distinct blob linked in a registry with the
 * number of its repositories linking it; {@code registries.storage_used_bytes} is the sum of those rows'
 * sizes. Every transaction that adds or removes a link updates both ({@link #unlink}, {@link #unlinkAll}),
 * so the usage is exact at every commit.
 *
 * <p>Durability: links are recorded only after their blob is durable, so what a power loss could take is
 * at worst a link to a blob that is still there, never the reverse.
 */
public final class H2BlobLinkStore implements BlobLinkStore {
    private static final System.Logger LOG = System.getLogger(H2BlobLinkStore.class.getName());

    private final Database database;
    private final RepositoryRows repositories;
    private final Clock clock;

    /** A store over {@code database}, which its owner closes; {@code clock} stamps links. */
    public H2BlobLinkStore(Database database, Clock clock) {
        this.database = database;
        this.repositories = new RepositoryRows(database, clock);
        this.clock = clock;
    }

    @Override
    public void linkBlobs(List<BlobLink> links) {
        database.transaction(c -> {
            // Each registry locked once, in name order, so that two batches never wait on each other in a cycle.
            Map<String, Long> registries = new TreeMap<>();
            links.forEach(link -> registries.put(link.repository().registry(), null));
            for (Map.Entry<String, Long> registry : registries.entrySet()) {
                registry.setValue(repositories.requireRegistry(c, registry.getKey()));
            }
            OffsetDateTime now = Database.timestamp(clock.instant());
            for (BlobLink link : links) {
                RepositoryRows.Row row = repositories.ensure(c, link.repository(),
                        registries.get(link.repository().registry()));
                String digest = link.digest().value();
                int refreshed = Database.update(c,
                        "UPDATE blob_links SET linked_at = ? WHERE repository_id = ? AND digest = ?", now, row.id(), digest);
                if (refreshed == 0) {
                    // A concurrent first link of the same blob into this repository fails here on the primary
                    // key, and its retry finds this link and only refreshes it.
                    Database.update(c, "INSERT INTO blob_links (repository_id, digest, size, linked_at) VALUES (?, ?, ?, ?)",
                            row.id(), digest, link.size(), now);
                    accountLink(c, row.registryId(), digest, link.size());
                }
            }
            return null;
        });
    }

    @Override
    public boolean registryLinksBlob(String registry, Digest digest) {
        return database.transaction(c -> Database.queryLong(c, "SELECT b.link_count FROM registry_blobs b "
                + "JOIN registries g ON g.id = b.registry_id WHERE g.name = ? AND b.digest = ?",
                registry, digest.value()) != null);
    }

    @Override
    public OptionalLong linkedBlobSize(RepositoryName repository, Digest digest) {
        return database.transaction(c -> {
            Long size = Database.queryLong(c, "SELECT b.size FROM blob_links b JOIN repositories r "
                    + "ON r.id = b.repository_id WHERE r.name = ? AND b.digest = ?", repository.value(), digest.value());
            return size == null ? OptionalLong.empty() : OptionalLong.of(size);
        });
    }

    @Override
    public Optional<RepositoryName> anyRepositoryLinking(Digest digest) {
        return database.transaction(c -> {
            // The first by name, so that the answer does not change from call to call.
            return Database.queryList(c, "SELECT r.name FROM blob_links b JOIN repositories r "
                    + "ON r.id = b.repository_id WHERE b.digest = ? ORDER BY r.name FETCH FIRST 1 ROWS ONLY",
                    rs -> RepositoryName.parse(rs.getString(1)), digest.value()).stream().findFirst();
        });
    }

    @Override
    public boolean unlinkBlob(RepositoryName repository, Digest digest) {
        return database.transaction(c -> {
            RepositoryRows.Row row = repositories.locked(c, repository);
            return row != null && unlink(c, row, digest.value());
        });
    }

    @Override
    public List<Digest> unlinkUnreferencedBlobs(RepositoryName repository, Instant linkedBefore) {
        return database.transaction(c -> {
            RepositoryRows.Row row = repositories.locked(c, repository);
            if (row == null) {
                return List.<Digest>of();
            }
            List<String> candidates = Database.queryList(c, "SELECT b.digest FROM blob_links b "
                    + "WHERE b.repository_id = ? AND b.linked_at < ? "
                    + "AND NOT EXISTS (SELECT 1 FROM manifest_references r "
                    + "WHERE r.repository_id = b.repository_id AND r.referenced_digest = b.digest) "
                    + "AND NOT EXISTS (SELECT 1 FROM manifests m "
                    + "WHERE m.repository_id = b.repository_id AND m.digest = b.digest) ORDER BY b.digest",
                    rs -> rs.getString(1), row.id(), linkedBefore);
            List<Digest> unlinked = new ArrayList<>(candidates.size());
            for (String digest : candidates) {
                if (unlink(c, row, digest)) {
                    unlinked.add(Digest.parse(digest));
                }
            }
            return unlinked;
        });
    }

    /** Removes one link and gives its usage back when it was the registry's last; false when it was not linked. */
    static boolean unlink(Connection c, RepositoryRows.Row row, String digest) throws SQLException {
        if (Database.update(c, "DELETE FROM blob_links WHERE repository_id = ? AND digest = ?", row.id(), digest) == 0) {
            return false;
        }
        accountUnlink(c, row.registryId(), digest);
        return true;
    }

    /** Removes every link of the repository, giving back the usage of the blobs that were the registry's last. */
    static void unlinkAll(Connection c, RepositoryRows.Row row) throws SQLException {
        for (String digest : Database.queryList(c, "SELECT digest FROM blob_links WHERE repository_id = ?",
                rs -> rs.getString(1), row.id())) {
            accountUnlink(c, row.registryId(), digest);
        }
        Database.update(c, "DELETE FROM blob_links WHERE repository_id = ?", row.id());
    }

    /**
     * Counts a new link of a blob in its registry: the first one adds the blob's size to the usage. The
     * transaction holds the registry's row already, so the registry_blobs row is the only new lock.
     */
    private static void accountLink(Connection c, long registryId, String digest, long size) throws SQLException {
        int counted = Database.update(c, "UPDATE registry_blobs SET link_count = link_count + 1 "
                + "WHERE registry_id = ? AND digest = ?", registryId, digest);
        if (counted == 0) {
            // Two first links of one blob into a registry: one fails here on the primary key and is retried.
            Database.update(c, "INSERT INTO registry_blobs (registry_id, digest, size, link_count) VALUES (?, ?, ?, 1)",
                    registryId, digest, size);
            Database.update(c, "UPDATE registries SET storage_used_bytes = storage_used_bytes + ? WHERE id = ?",
                    size, registryId);
        }
    }

    /** Counts a removed link: the registry's last one gives the blob's size back. */
    private static void accountUnlink(Connection c, long registryId, String digest) throws SQLException {
        if (Database.update(c, "UPDATE registry_blobs SET link_count = link_count - 1 WHERE registry_id = ? AND digest = ?",
                registryId, digest) == 0) {
            LOG.log(System.Logger.Level.WARNING, "blob " + digest + " was linked but not counted in its registry");
            return;
        }
        try (PreparedStatement s = c.prepareStatement(
                "SELECT link_count, size FROM registry_blobs WHERE registry_id = ? AND digest = ?")) {
            Database.bind(s, registryId, digest);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next() || rs.getLong(1) > 0) {
                    return;
                }
                long size = rs.getLong(2);
                Database.update(c, "DELETE FROM registry_blobs WHERE registry_id = ? AND digest = ?", registryId, digest);
                Database.update(c, "UPDATE registries SET storage_used_bytes = storage_used_bytes - ? WHERE id = ?",
                        size, registryId);
            }
        }
    }
}
