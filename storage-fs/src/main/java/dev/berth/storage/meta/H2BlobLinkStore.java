package dev.berth.storage.meta;

import dev.berth.core.digest.Digest;
import dev.berth.core.error.OciErrorCode;
import dev.berth.core.error.RegistryException;
import dev.berth.core.metadata.BlobLink;
import dev.berth.core.metadata.BlobLinkStore;
import dev.berth.core.metadata.LinkCommit;
import dev.berth.core.metadata.ManifestRecord;
import dev.berth.core.name.RepositoryName;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The blob links in the {@link Database}: {@code blob_links} (one row per repository and blob) and the
 * registry usage they add up to.
 *
 * <p>Registry usage: {@code registry_blobs} holds one row per distinct blob linked in a registry with the
 * number of its repositories linking it; {@code registries.storage_used_bytes} is the sum of those rows'
 * sizes. Every transaction that adds or removes a link updates both ({@link #unlink}, {@link #unlinkAll}),
 * so the usage is exact at every commit.
 *
 * <p>Collection: the first link of a blob in a repository claims the blob's {@code stored_blobs} row, and the
 * removal of a blob's last link anywhere marks it a candidate ({@link H2StoredBlobs}).
 *
 * <p>Durability: links are recorded only after their blob is durable, so what a power loss could take is
 * at worst a link to a blob that is still there, never the reverse.
 */
public final class H2BlobLinkStore implements BlobLinkStore {
    private static final System.Logger LOG = System.getLogger(H2BlobLinkStore.class.getName());

    private final Database database;
    private final RepositoryRows repositories;
    private final H2StoredBlobs storedBlobs;
    private final Clock clock;

    /** A store over {@code database}, which its owner closes; {@code clock} stamps links. */
    public H2BlobLinkStore(Database database, Clock clock) {
        this.database = database;
        this.repositories = new RepositoryRows(database, clock);
        this.storedBlobs = new H2StoredBlobs(database, clock);
        this.clock = clock;
    }

    @Override
    public LinkCommit commitLinks(List<BlobLink> links, Predicate<Digest> stored) {
        Database.Committed<List<BlobLink>> committed = database.transactionDurableLater(c -> {
            // Each registry locked once, in name order, so that two batches never wait on each other in a cycle.
            Map<String, Long> registries = new TreeMap<>();
            links.forEach(link -> registries.put(link.repository().registry(), null));
            for (Map.Entry<String, Long> registry : registries.entrySet()) {
                registry.setValue(repositories.requireRegistry(c, registry.getKey()));
            }
            OffsetDateTime now = Database.timestamp(clock.instant());
            // Links the repositories have already are refreshed; the blobs of the new ones are claimed against
            // the collector (in digest order, after the registries) before any of them is written.
            Map<String, NewLink> fresh = new LinkedHashMap<>();
            TreeMap<String, Long> sizes = new TreeMap<>();
            for (BlobLink link : links) {
                RepositoryRows.Row row = repositories.ensure(c, link.repository(),
                        registries.get(link.repository().registry()));
                String digest = link.digest().value();
                String key = row.id() + " " + digest;
                if (!fresh.containsKey(key) && Database.update(c, "UPDATE blob_links SET linked_at = ? "
                        + "WHERE repository_id = ? AND digest = ?", now, row.id(), digest) == 0) {
                    fresh.put(key, new NewLink(row, link));
                    sizes.put(digest, link.size());
                }
            }
            Set<String> gone = storedBlobs.claim(c, sizes, stored);
            List<BlobLink> notLinked = new ArrayList<>();
            Map<Long, Long> charged = new TreeMap<>();
            for (NewLink link : fresh.values()) {
                String digest = link.link().digest().value();
                if (gone.contains(digest)) {
                    notLinked.add(link.link());
                    continue;
                }
                // A concurrent first link of the same blob into this repository fails here on the primary
                // key, and its retry finds this link and only refreshes it.
                Database.update(c, "INSERT INTO blob_links (repository_id, digest, size, linked_at) VALUES (?, ?, ?, ?)",
                        link.row().id(), digest, link.link().size(), now);
                long registryId = link.row().registryId();
                charged.merge(registryId, accountLink(c, registryId, digest, link.link().size(),
                        charged.getOrDefault(registryId, 0L)), Long::sum);
            }
            return notLinked;
        });
        return new LinkCommit(committed.value(), committed.durable());
    }

    /** A link new to its repository, with the repository's row. */
    private record NewLink(RepositoryRows.Row row, BlobLink link) {
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
            return row != null && !unlink(c, row, List.of(digest.value()), storedBlobs).isEmpty();
        });
    }

    @Override
    public List<Digest> unlinkUnreferencedBlobs(RepositoryName repository, Instant linkedBefore, ManifestRecord deleted) {
        return database.transaction(c -> {
            RepositoryRows.Row row = repositories.locked(c, repository);
            if (row == null) {
                return List.<Digest>of();
            }
            Map<String, Instant> deletedManifests = deleted == null ? Map.of()
                    : Map.of(deleted.digest().value(), deleted.pushedAt());
            return unlinkUnreferenced(c, row, linkedBefore, deletedManifests, storedBlobs).stream()
                    .map(Digest::parse).toList();
        });
    }

    /**
     * Unlinks the repository's blobs that no remaining manifest of it references and that are not themselves a
     * remaining manifest, linked before {@code linkedBefore}, or (the bytes of manifests just deleted) linked no
     * later than that manifest's push.
     *
     * @param deletedManifests the manifests just deleted: their digest and when they were pushed
     * @return the digests unlinked
     */
    static List<String> unlinkUnreferenced(Connection c, RepositoryRows.Row row, Instant linkedBefore,
                                           Map<String, Instant> deletedManifests, H2StoredBlobs storedBlobs)
            throws SQLException {
        List<String> candidates = Database.queryList(c, "SELECT b.digest, b.linked_at FROM blob_links b "
                + "WHERE b.repository_id = ? "
                + "AND NOT EXISTS (SELECT 1 FROM manifest_references r "
                + "WHERE r.repository_id = b.repository_id AND r.referenced_digest = b.digest) "
                + "AND NOT EXISTS (SELECT 1 FROM manifests m "
                + "WHERE m.repository_id = b.repository_id AND m.digest = b.digest) ORDER BY b.digest",
                rs -> {
                    String digest = rs.getString(1);
                    Instant linkedAt = Database.instant(rs, "linked_at");
                    Instant pushedAt = deletedManifests.get(digest);
                    return linkedAt.isBefore(linkedBefore) || (pushedAt != null && !linkedAt.isAfter(pushedAt))
                            ? digest : null;
                }, row.id());
        candidates.removeIf(Objects::isNull);
        return unlink(c, row, candidates, storedBlobs);
    }

    /**
     * Removes links of the repository, gives their usage back where each was the registry's last, and marks the
     * blobs left linked nowhere as candidates for collection.
     *
     * @return the digests that were linked and are not any more
     */
    static List<String> unlink(Connection c, RepositoryRows.Row row, Collection<String> digests,
                               H2StoredBlobs storedBlobs) throws SQLException {
        List<String> removed = new ArrayList<>(digests.size());
        for (String digest : digests) {
            if (Database.update(c, "DELETE FROM blob_links WHERE repository_id = ? AND digest = ?", row.id(), digest) > 0) {
                accountUnlink(c, row.registryId(), digest);
                removed.add(digest);
            }
        }
        storedBlobs.markUnlinked(c, removed);
        return removed;
    }

    /**
     * Removes every link of the repository, giving back the usage of the blobs that were the registry's last, and
     * marks the blobs left linked nowhere as candidates.
     */
    static void unlinkAll(Connection c, RepositoryRows.Row row, H2StoredBlobs storedBlobs) throws SQLException {
        List<String> digests = Database.queryList(c, "SELECT digest FROM blob_links WHERE repository_id = ?",
                rs -> rs.getString(1), row.id());
        for (String digest : digests) {
            accountUnlink(c, row.registryId(), digest);
        }
        Database.update(c, "DELETE FROM blob_links WHERE repository_id = ?", row.id());
        storedBlobs.markUnlinked(c, digests);
    }

    /**
     * Counts a new link of a blob in its registry: the first one adds the blob's size to the usage, and returns
     * it (0 for the others). The transaction holds the registry's row already, so the registry_blobs row is the
     * only new lock.
     *
     * <p>The usage rises only within the registry's limit: the quota's last word, under the registry's lock.
     * The caller ({@code QuotaLedger}) checked the link before, against the usage it read; this catches what
     * another node that shares the database linked between that read and this write, and the whole transaction
     * rolls back with {@code QUOTA_EXCEEDED}.
     *
     * @param chargedBefore what the links before this one in the transaction charged the registry
     */
    private static long accountLink(Connection c, long registryId, String digest, long size, long chargedBefore)
            throws SQLException {
        int counted = Database.update(c, "UPDATE registry_blobs SET link_count = link_count + 1 "
                + "WHERE registry_id = ? AND digest = ?", registryId, digest);
        if (counted > 0) {
            return 0;
        }
        // Two first links of one blob into a registry: one fails here on the primary key and is retried.
        Database.update(c, "INSERT INTO registry_blobs (registry_id, digest, size, link_count) VALUES (?, ?, ?, 1)",
                registryId, digest, size);
        if (Database.update(c, "UPDATE registries SET storage_used_bytes = storage_used_bytes + ? WHERE id = ? "
                + "AND (storage_limit_bytes IS NULL OR storage_used_bytes + ? <= storage_limit_bytes)",
                size, registryId, size) == 0) {
            throw quotaExceeded(c, registryId, chargedBefore, chargedBefore + size);
        }
        return size;
    }

    /** The refusal of links that would charge a registry {@code needed} bytes past its limit. */
    private static RegistryException quotaExceeded(Connection c, long registryId, long chargedBefore, long needed)
            throws SQLException {
        record Usage(String name, long used, long limit) {
        }
        Usage usage = Database.queryList(c, "SELECT name, storage_used_bytes, storage_limit_bytes FROM registries "
                + "WHERE id = ?", rs -> new Usage(rs.getString(1), rs.getLong(2), rs.getLong(3)), registryId).get(0);
        long before = usage.used() - chargedBefore;
        return new RegistryException(OciErrorCode.QUOTA_EXCEEDED, "quota exceeded: registry " + usage.name()
                + " has a storage limit of " + usage.limit() + " bytes and uses " + before + " bytes; these uploads "
                + "need " + needed + " bytes", Map.of("registry", usage.name(), "storage_limit_bytes", usage.limit(),
                "storage_used_bytes", before, "requested_bytes", needed));
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
