package dev.berth.storage.meta;

import dev.berth.core.blob.StoredBlobFile;
import dev.berth.core.digest.Digest;
import dev.berth.core.gc.GarbageStore;
import dev.berth.core.gc.UntaggedManifests;
import dev.berth.core.name.RepositoryName;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static dev.berth.storage.meta.H2StoredBlobs.CHUNK;
import static dev.berth.storage.meta.H2StoredBlobs.placeholders;

/**
 * The collector's view of the {@link Database}: the candidates in {@code stored_blobs} ({@link H2StoredBlobs}
 * keeps them as links come and go), and the untagged manifests of each repository.
 *
 * <p>{@link #collect} never waits for a lock: it reads the due candidates without locking, then locks them with
 * {@code FOR UPDATE SKIP LOCKED}, so that a link holding one (it is about to link the blob again) is skipped
 * rather than waited for, and rows are locked by key only (H2 would lock every row a sorted scan reads).
 */
public final class H2GarbageStore implements GarbageStore {
    private final Database database;
    private final RepositoryRows repositories;
    private final H2StoredBlobs storedBlobs;

    /** A store over {@code database}, which its owner closes; {@code clock} marks the blobs untagged deletes unlink. */
    public H2GarbageStore(Database database, Clock clock) {
        this.database = database;
        this.repositories = new RepositoryRows(database, clock);
        this.storedBlobs = new H2StoredBlobs(database, clock);
    }

    @Override
    public Collected collect(Instant unlinkedBefore, int limit, FileRemoval removal) {
        return database.transaction(c -> {
            // Any due candidates, in no order: sorting them made every batch read all of them (the benchmark's
            // 130,000), where an index range scan stops at the batch's size.
            List<Object> due = new ArrayList<>(Database.queryList(c, "SELECT digest FROM stored_blobs "
                    + "WHERE unlinked_at < ? FETCH FIRST ? ROWS ONLY", rs -> rs.getString(1), unlinkedBefore,
                    Math.min(limit, CHUNK)));
            if (due.isEmpty()) {
                return Collected.NONE;
            }
            List<Object> parameters = new ArrayList<>(due);
            parameters.add(unlinkedBefore);
            Map<String, Long> locked = new LinkedHashMap<>();
            Database.queryList(c, "SELECT digest, size FROM stored_blobs WHERE digest IN (" + placeholders(due.size())
                    + ") AND unlinked_at IS NOT NULL AND unlinked_at < ? FOR UPDATE SKIP LOCKED",
                    rs -> locked.put(rs.getString(1), rs.getLong(2)), parameters.toArray());
            if (locked.isEmpty()) {
                return Collected.NONE;
            }
            // The existence check, under the locks: a blob linked again since it became a candidate (by a link
            // that has committed: one still running holds the lock and was skipped) is postponed.
            Set<String> linked = named(c, locked.keySet());
            if (!linked.isEmpty()) {
                Database.update(c, "UPDATE stored_blobs SET unlinked_at = NULL WHERE digest IN ("
                        + placeholders(linked.size()) + ")", linked.toArray());
            }
            List<String> garbage = new ArrayList<>(locked.keySet());
            garbage.removeAll(linked);
            if (garbage.isEmpty()) {
                return new Collected(locked.size(), 0, 0);
            }
            removal.remove(garbage.stream().map(Digest::parse).toList());
            Database.update(c, "DELETE FROM stored_blobs WHERE digest IN (" + placeholders(garbage.size()) + ")",
                    garbage.toArray());
            long bytes = garbage.stream().mapToLong(locked::get).sum();
            return new Collected(locked.size(), garbage.size(), bytes);
        });
    }

    @Override
    public Due countDue(Instant unlinkedBefore) {
        return database.transaction(c -> Database.queryList(c, "SELECT COUNT(*), COALESCE(SUM(s.size), 0) "
                + "FROM stored_blobs s WHERE s.unlinked_at IS NOT NULL AND s.unlinked_at < ? "
                + "AND NOT EXISTS (SELECT 1 FROM blob_links b WHERE b.digest = s.digest) "
                + "AND NOT EXISTS (SELECT 1 FROM manifests m WHERE m.digest = s.digest)",
                rs -> new Due(rs.getLong(1), rs.getLong(2)), unlinkedBefore).get(0));
    }

    @Override
    public long candidates() {
        return database.transaction(c ->
                Database.queryLong(c, "SELECT COUNT(*) FROM stored_blobs WHERE unlinked_at IS NOT NULL"));
    }

    /**
     * {@inheritDoc} A linked blob has a row (the link claimed it); should one lack it, recording it as an orphan
     * is harmless: {@link #collect}'s existence check finds its link and postpones it, which gives it its row.
     */
    @Override
    public List<Digest> unrecorded(Collection<Digest> digests) {
        return database.transaction(c -> {
            Map<String, Digest> byValue = new HashMap<>();
            digests.forEach(d -> byValue.put(d.value(), d));
            List<String> all = new ArrayList<>(byValue.keySet());
            for (int from = 0; from < all.size(); from += CHUNK) {
                List<String> chunk = all.subList(from, Math.min(all.size(), from + CHUNK));
                Database.queryList(c, "SELECT digest FROM stored_blobs WHERE digest IN (" + placeholders(chunk.size())
                        + ")", rs -> byValue.remove(rs.getString(1)), chunk.toArray());
            }
            return List.copyOf(byValue.values());
        });
    }

    @Override
    public void recordOrphans(List<StoredBlobFile> orphans) {
        TreeMap<String, StoredBlobFile> sorted = new TreeMap<>();
        orphans.forEach(o -> sorted.put(o.digest().value(), o));
        database.transaction(c -> {
            for (StoredBlobFile orphan : sorted.values()) {
                // Recorded meanwhile (linked, or found by another run): left as it is.
                Database.update(c, "INSERT INTO stored_blobs (digest, size, unlinked_at) SELECT ?, ?, ? FROM (VALUES (1)) v "
                        + "WHERE NOT EXISTS (SELECT 1 FROM stored_blobs WHERE digest = ?)",
                        orphan.digest().value(), orphan.size(), orphan.modified(), orphan.digest().value());
            }
            return null;
        });
    }

    @Override
    public int deleteUntagged(RepositoryName repository, Instant pushedBefore, boolean dryRun) {
        return database.transaction(c -> {
            RepositoryRows.Row row = repositories.locked(c, repository);
            if (row == null) {
                return 0;
            }
            List<UntaggedManifests.Manifest> all = manifests(c, row.id());
            Set<Digest> unkept = UntaggedManifests.unkept(all, pushedBefore);
            if (dryRun || unkept.isEmpty()) {
                return unkept.size();
            }
            Map<String, Instant> deletedManifests = new HashMap<>();
            for (UntaggedManifests.Manifest m : all) {
                if (unkept.contains(m.digest())) {
                    H2ManifestStore.deleteRows(c, row.id(), m.digest().value());
                    deletedManifests.put(m.digest().value(), m.pushedAt());
                }
            }
            H2BlobLinkStore.unlinkUnreferenced(c, row, pushedBefore, deletedManifests, storedBlobs);
            repositories.touch(c, row.id());
            return unkept.size();
        });
    }

    /** The repository's manifests with their tags, subjects and references, as the untagged rule reads them. */
    private static List<UntaggedManifests.Manifest> manifests(Connection c, long repositoryId) throws SQLException {
        Set<String> tagged = new HashSet<>(Database.queryList(c, "SELECT DISTINCT digest FROM tags WHERE repository_id = ?",
                rs -> rs.getString(1), repositoryId));
        Map<String, List<Digest>> references = new HashMap<>();
        Database.queryList(c, "SELECT manifest_digest, referenced_digest FROM manifest_references "
                + "WHERE repository_id = ? ORDER BY manifest_digest, ordinal", rs -> references
                .computeIfAbsent(rs.getString(1), d -> new ArrayList<>()).add(Digest.parse(rs.getString(2))), repositoryId);
        return Database.queryList(c, "SELECT digest, subject, pushed_at FROM manifests WHERE repository_id = ?", rs -> {
            String digest = rs.getString(1);
            String subject = rs.getString(2);
            return new UntaggedManifests.Manifest(Digest.parse(digest), tagged.contains(digest),
                    Database.instant(rs, "pushed_at"), subject == null ? null : Digest.parse(subject),
                    references.getOrDefault(digest, List.of()));
        }, repositoryId);
    }

    /** Those of {@code digests} that some repository links, or stores a manifest under. */
    private static Set<String> named(Connection c, Collection<String> digests) throws SQLException {
        String in = placeholders(digests.size());
        List<Object> parameters = new ArrayList<>(digests);
        parameters.addAll(digests);
        return new HashSet<>(Database.queryList(c, "SELECT digest FROM blob_links WHERE digest IN (" + in + ") "
                + "UNION SELECT digest FROM manifests WHERE digest IN (" + in + ")", rs -> rs.getString(1),
                parameters.toArray()));
    }
}
