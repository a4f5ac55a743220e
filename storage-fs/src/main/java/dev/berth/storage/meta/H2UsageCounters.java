package dev.berth.storage.meta;

import java.util.List;

/**
 * The registries' usage counters held against the blob links they count, for the integrity check: which
 * counters disagree with the links, and a recount of every counter from the links.
 *
 * <p>The counters are {@code registry_blobs} (per registry and blob, the number of the registry's
 * repositories that link it, and its size) and {@code registries.storage_used_bytes} (the sum of those
 * sizes); {@link H2BlobLinkStore} keeps them in step with {@code blob_links} in every transaction that
 * links or unlinks. They disagree only when rows were changed behind the server's back or by a defect.
 * {@code blob_links} is the record the counters are derived from, so it is what a recount trusts.
 *
 * <p>The check runs while no server has the database open (H2 locks it to one process), so nothing here
 * takes a registry's row lock.
 */
public final class H2UsageCounters {
    /** Per registry and blob, what the links add up to: the number of repositories linking it, and its size. */
    private static final String LINKED = "SELECT r.registry_id, l.digest, COUNT(*) AS link_count, MAX(l.size) AS size "
            + "FROM blob_links l JOIN repositories r ON r.id = l.repository_id GROUP BY r.registry_id, l.digest";

    private final Database database;

    public H2UsageCounters(Database database) {
        this.database = database;
    }

    /**
     * A {@code registry_blobs} row that disagrees with the links, or a row that is missing (counted 0 links of
     * 0 bytes) or that no link accounts for (0 links found).
     */
    public record BlobCount(String registry, String digest, long countedLinks, long countedSize, long links, long size) {
    }

    /** A registry whose {@code storage_used_bytes} is not the sum of the sizes of the blobs it links. */
    public record UsedBytes(String registry, long recorded, long fromLinks) {
    }

    /** The {@code registry_blobs} rows that disagree with the links, by registry and digest. */
    public List<BlobCount> blobCountsInDisagreement() {
        return database.transaction(c -> Database.queryList(c,
                "SELECT g.name, e.digest, COALESCE(b.link_count, 0), COALESCE(b.size, 0), e.link_count, e.size "
                        + "FROM (" + LINKED + ") e JOIN registries g ON g.id = e.registry_id "
                        + "LEFT JOIN registry_blobs b ON b.registry_id = e.registry_id AND b.digest = e.digest "
                        + "WHERE b.digest IS NULL OR b.link_count <> e.link_count OR b.size <> e.size "
                        + "UNION ALL "
                        + "SELECT g.name, b.digest, b.link_count, b.size, 0, 0 "
                        + "FROM registry_blobs b JOIN registries g ON g.id = b.registry_id "
                        + "WHERE NOT EXISTS (SELECT 1 FROM blob_links l JOIN repositories r ON r.id = l.repository_id "
                        + "WHERE r.registry_id = b.registry_id AND l.digest = b.digest) "
                        + "ORDER BY 1, 2",
                rs -> new BlobCount(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                        rs.getLong(6))));
    }

    /** The registries whose {@code storage_used_bytes} disagrees with the links, by name. */
    public List<UsedBytes> usedBytesInDisagreement() {
        return database.transaction(c -> Database.queryList(c,
                "SELECT g.name, g.storage_used_bytes, COALESCE(SUM(e.size), 0) "
                        + "FROM registries g LEFT JOIN (" + LINKED + ") e ON e.registry_id = g.id "
                        + "GROUP BY g.id, g.name, g.storage_used_bytes "
                        + "HAVING g.storage_used_bytes <> COALESCE(SUM(e.size), 0) ORDER BY g.name",
                rs -> new UsedBytes(rs.getString(1), rs.getLong(2), rs.getLong(3))));
    }

    /**
     * Counts every registry's usage again from the links, in one transaction: {@code registry_blobs} is
     * rebuilt and each {@code storage_used_bytes} set to its sum (the same recount as schema version 3's).
     */
    public void recountFromLinks() {
        database.transaction(c -> {
            Database.update(c, "DELETE FROM registry_blobs");
            Database.update(c, "INSERT INTO registry_blobs (registry_id, digest, size, link_count) "
                    + "SELECT e.registry_id, e.digest, e.size, e.link_count FROM (" + LINKED + ") e");
            Database.update(c, "UPDATE registries SET storage_used_bytes = "
                    + "(SELECT COALESCE(SUM(b.size), 0) FROM registry_blobs b WHERE b.registry_id = registries.id)");
            return null;
        });
    }
}
