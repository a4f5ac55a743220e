package dev.berth.storage.meta;

import dev.berth.core.digest.Digest;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The {@code stored_blobs} rows as linking and unlinking transactions keep them: a row per blob file the store
 * holds, a candidate for collection ({@code unlinked_at} set) from the moment its last link goes.
 *
 * <p>Every transaction that adds a blob's first link in a repository claims the blob's row ({@link #claim}), and
 * every one that removes links marks the blobs left without any ({@link #markUnlinked}); both lock the rows they
 * touch, in digest order, after the registry's row, so that two of them never wait on each other in a cycle. The
 * collector ({@link H2GarbageStore#collect}) locks the same rows and skips those it cannot. The argument is in
 * {@code docs/consistency.md}, "Garbage collection".
 */
final class H2StoredBlobs {
    /** Digests per statement in the batched queries: well under every database's parameter limit. */
    static final int CHUNK = 500;

    private final Database database;
    private final Clock clock;

    /** @param clock stamps the time a blob's last link went */
    H2StoredBlobs(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /**
     * Locks the rows of blobs about to be linked and makes each a linked blob again. A blob with no row (new to
     * the store) gets one; a blob with no row or a candidate's row is checked with {@code stored} under the lock,
     * and when its file is gone it is left as it was and returned: it must not be linked.
     *
     * @param sizes each blob's size, by digest
     * @return the digests whose file is gone
     */
    Set<String> claim(Connection c, TreeMap<String, Long> sizes, Predicate<Digest> stored) throws SQLException {
        Set<String> gone = new HashSet<>();
        for (var entry : sizes.entrySet()) {
            String digest = entry.getKey();
            List<Boolean> candidate = Database.queryList(c, "SELECT unlinked_at IS NOT NULL FROM stored_blobs "
                    + "WHERE digest = ? FOR UPDATE", rs -> rs.getBoolean(1), digest);
            if (!candidate.isEmpty() && !candidate.get(0)) {
                continue;
            }
            if (candidate.isEmpty()) {
                // A concurrent first claim of the same blob makes this insert wait for it, then fail on the key;
                // the transaction is retried and finds its row.
                Database.update(c, "INSERT INTO stored_blobs (digest, size, unlinked_at) VALUES (?, ?, NULL)",
                        digest, entry.getValue());
            }
            if (!stored.test(Digest.parse(digest))) {
                gone.add(digest);
                if (candidate.isEmpty()) {
                    Database.update(c, "DELETE FROM stored_blobs WHERE digest = ?", digest);
                }
                continue;
            }
            if (!candidate.isEmpty()) {
                Database.update(c, "UPDATE stored_blobs SET unlinked_at = NULL WHERE digest = ?", digest);
            }
        }
        return gone;
    }

    /**
     * Marks as candidates, unlinked now, those of {@code digests} that no repository links any more,
     * after this transaction's own unlinks. Each row is locked before the links are looked at, so that of two
     * transactions removing a blob's last two links (in two registries) the second sees the first's removal. A
     * blob without a row is left to the collector's search for unaccounted files.
     */
    void markUnlinked(Connection c, Collection<String> digests) throws SQLException {
        List<String> sorted = new ArrayList<>(new TreeSet<>(digests));
        for (int from = 0; from < sorted.size(); from += CHUNK) {
            List<String> chunk = sorted.subList(from, Math.min(sorted.size(), from + CHUNK));
            String in = placeholders(chunk.size());
            Object[] parameters = chunk.toArray();
            Database.queryList(c, "SELECT digest FROM stored_blobs WHERE digest IN (" + in + ") ORDER BY digest FOR UPDATE",
                    rs -> rs.getString(1), parameters);
            database.blobRowsLocked(chunk);
            Set<String> unlinked = new HashSet<>(chunk);
            unlinked.removeAll(Database.queryList(c, "SELECT DISTINCT digest FROM blob_links WHERE digest IN (" + in + ")",
                    rs -> rs.getString(1), parameters));
            if (unlinked.isEmpty()) {
                continue;
            }
            List<Object> update = new ArrayList<>();
            update.add(clock.instant());
            update.addAll(unlinked);
            Database.update(c, "UPDATE stored_blobs SET unlinked_at = ? WHERE unlinked_at IS NULL AND digest IN ("
                    + placeholders(unlinked.size()) + ")", update.toArray());
        }
    }

    /** {@code ?, ?, ...}: {@code count} parameters for an {@code IN} list. */
    static String placeholders(int count) {
        return String.join(", ", Collections.nCopies(count, "?"));
    }
}
