package dev.berth.storage.meta;

import dev.berth.core.blob.StoredBlobFile;
import dev.berth.core.digest.Digest;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Where an object store holds each blob ({@code blob_objects}, schema version 6): the index an object-store blob
 * store reads to find a blob and writes to commit one. An upload's object is named after its session, never after
 * its digest, so that committing it moves no bytes: the row written here is what makes the blob stored, and its
 * primary key decides between two uploads of one digest (the first row wins; the loser deletes its object).
 */
public final class H2BlobObjects {
    private static final int PAGE = 1000;

    private final Database database;
    private final Clock clock;

    /** @param clock stamps the rows: the time a blob was stored, which the collector's orphan search reads */
    public H2BlobObjects(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /** Where a blob is: its object's key and size. */
    public record BlobObject(String key, long size) {
    }

    /**
     * Where the blob is stored, or empty when it is not; inside the transaction this thread runs, if any (a link
     * asks this under the lock on the blob's {@code stored_blobs} row: {@link Database#read}).
     */
    public Optional<BlobObject> find(Digest digest) {
        return database.read(c -> Database.queryList(c, "SELECT object_key, size FROM blob_objects WHERE digest = ?",
                rs -> new BlobObject(rs.getString(1), rs.getLong(2)), digest.value()).stream().findFirst());
    }

    /**
     * Records that {@code key} holds the blob, unless another object already does.
     *
     * @return true when this object is now the blob's; false when another one was recorded first (a concurrent
     *     insert of the same digest loses on the primary key, and its retry finds the winner's row)
     */
    public boolean claim(Digest digest, String key, long size) {
        return database.transaction(c -> Database.update(c, "INSERT INTO blob_objects (digest, object_key, size, stored_at) "
                + "SELECT ?, ?, ?, ? FROM (VALUES (1)) v WHERE NOT EXISTS (SELECT 1 FROM blob_objects WHERE digest = ?)",
                digest.value(), key, size, clock.instant(), digest.value()) == 1);
    }

    /**
     * Forgets where each of the blobs is, in one transaction; the keys of the objects that held them, which the
     * caller deletes.
     */
    public List<String> removeAll(List<Digest> digests) {
        if (digests.isEmpty()) {
            return List.of();
        }
        return database.transaction(c -> {
            List<String> keys = new ArrayList<>(digests.size());
            for (int from = 0; from < digests.size(); from += H2StoredBlobs.CHUNK) {
                Object[] chunk = digests.subList(from, Math.min(digests.size(), from + H2StoredBlobs.CHUNK)).stream()
                        .map(Digest::value).toArray();
                String in = H2StoredBlobs.placeholders(chunk.length);
                keys.addAll(Database.queryList(c, "SELECT object_key FROM blob_objects WHERE digest IN (" + in
                        + ") ORDER BY digest FOR UPDATE", rs -> rs.getString(1), chunk));
                Database.update(c, "DELETE FROM blob_objects WHERE digest IN (" + in + ")", chunk);
            }
            return keys;
        });
    }

    /** Those of the object keys that no blob is recorded in. */
    public List<String> unrecorded(List<String> keys) {
        if (keys.isEmpty()) {
            return List.of();
        }
        Set<String> recorded = new HashSet<>();
        database.transaction(c -> {
            for (int from = 0; from < keys.size(); from += H2StoredBlobs.CHUNK) {
                Object[] chunk = keys.subList(from, Math.min(keys.size(), from + H2StoredBlobs.CHUNK)).toArray();
                recorded.addAll(Database.queryList(c, "SELECT object_key FROM blob_objects WHERE object_key IN ("
                        + H2StoredBlobs.placeholders(chunk.length) + ")", rs -> rs.getString(1), chunk));
            }
            return null;
        });
        return keys.stream().filter(key -> !recorded.contains(key)).toList();
    }

    /** Calls {@code visitor} with every stored blob, a page at a time, in digest order. */
    public void forEach(Consumer<StoredBlobFile> visitor) {
        String after = "";
        while (true) {
            String from = after;
            List<StoredBlobFile> page = database.transaction(c -> Database.queryList(c,
                    "SELECT digest, size, stored_at FROM blob_objects WHERE digest > ? ORDER BY digest FETCH FIRST ? ROWS ONLY",
                    rs -> new StoredBlobFile(Digest.parse(rs.getString(1)), rs.getLong(2), Database.instant(rs, "stored_at")),
                    from, PAGE));
            page.forEach(visitor);
            if (page.size() < PAGE) {
                return;
            }
            after = page.get(page.size() - 1).digest().value();
        }
    }
}
