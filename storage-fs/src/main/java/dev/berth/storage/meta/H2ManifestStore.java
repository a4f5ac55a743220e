package dev.berth.storage.meta;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.core.digest.Digest;
import dev.berth.core.metadata.ManifestDependencies;
import dev.berth.core.metadata.ManifestRecord;
import dev.berth.core.metadata.ManifestStore;
import dev.berth.core.metadata.RepositoryContents;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.name.Tag;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The manifests in the {@link Database}: {@code manifests} (one row per repository and digest, annotations
 * as a JSON object) and {@code manifest_references} (the digests each references, in order).
 *
 * <p>{@link #putManifest} verifies the manifest's dependencies in the transaction that records it, after
 * locking the registry's row, so that no unlink of the same registry can commit between the check and the
 * write ({@code docs/consistency.md}).
 */
public final class H2ManifestStore implements ManifestStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {
    };

    private final Database database;
    private final RepositoryRows repositories;

    /** A store over {@code database}, which its owner closes; {@code clock} stamps new repositories. */
    public H2ManifestStore(Database database, Clock clock) {
        this.database = database;
        this.repositories = new RepositoryRows(database, clock);
    }

    @Override
    public void putManifest(RepositoryName repository, ManifestRecord manifest, List<Tag> tags,
                            ManifestDependencies dependencies) {
        database.transaction(c -> {
            long id = repositories.ensure(c, repository, repositories.requireRegistry(c, repository.registry())).id();
            dependencies.verify(contents(c, id));
            upsert(c, id, manifest);
            replaceReferences(c, id, manifest);
            for (Tag tag : tags) {
                H2TagStore.point(c, id, tag, manifest.digest(), manifest.pushedAt());
            }
            repositories.touch(c, id);
            return null;
        });
    }

    @Override
    public Optional<ManifestRecord> manifest(RepositoryName repository, Digest digest) {
        return database.transaction(c -> {
            RepositoryRows.Row row = repositories.find(c, repository);
            return row == null ? Optional.<ManifestRecord>empty()
                    : select(c, row.id(), "digest = ?", digest.value()).stream().findFirst();
        });
    }

    @Override
    public boolean deleteManifest(RepositoryName repository, Digest digest) {
        return database.transaction(c -> {
            RepositoryRows.Row row = repositories.locked(c, repository);
            if (row == null || deleteRows(c, row.id(), digest.value()) == 0) {
                return false;
            }
            repositories.touch(c, row.id());
            return true;
        });
    }

    @Override
    public List<ManifestRecord> referrers(RepositoryName repository, Digest subject) {
        return database.transaction(c -> {
            RepositoryRows.Row row = repositories.find(c, repository);
            return row == null ? List.<ManifestRecord>of() : select(c, row.id(), "subject = ?", subject.value());
        });
    }

    /**
     * Deletes a manifest's tags, references and row, in the order the foreign keys need.
     *
     * @return the number of manifest rows deleted: 1, or 0 when there was none
     */
    static int deleteRows(Connection c, long repositoryId, String digest) throws SQLException {
        Database.update(c, "DELETE FROM tags WHERE repository_id = ? AND digest = ?", repositoryId, digest);
        Database.update(c, "DELETE FROM manifest_references WHERE repository_id = ? AND manifest_digest = ?",
                repositoryId, digest);
        return Database.update(c, "DELETE FROM manifests WHERE repository_id = ? AND digest = ?", repositoryId, digest);
    }

    /** The repository as this transaction sees it, for a manifest's dependencies. */
    private static RepositoryContents contents(Connection c, long repositoryId) {
        return new RepositoryContents() {
            @Override
            public OptionalLong linkedBlobSize(Digest digest) {
                Long size = queryInContents(c, "SELECT size FROM blob_links WHERE repository_id = ? AND digest = ?",
                        repositoryId, digest.value());
                return size == null ? OptionalLong.empty() : OptionalLong.of(size);
            }

            @Override
            public boolean hasManifest(Digest digest) {
                return queryInContents(c, "SELECT 1 FROM manifests WHERE repository_id = ? AND digest = ?",
                        repositoryId, digest.value()) != null;
            }
        };
    }

    /** {@link Database#queryLong} for {@link #contents}, whose interface declares no checked exceptions. */
    private static Long queryInContents(Connection c, String sql, Object... parameters) {
        try {
            return Database.queryLong(c, sql, parameters);
        } catch (SQLException e) {
            throw new MetadataStoreException("metadata store: " + e.getMessage(), e);
        }
    }

    private static void upsert(Connection c, long id, ManifestRecord m) throws SQLException {
        Object subject = m.subject() == null ? null : m.subject().value();
        String annotations = toJson(m.annotations());
        OffsetDateTime pushedAt = Database.timestamp(m.pushedAt());
        int updated = Database.update(c, "UPDATE manifests SET media_type = ?, size = ?, subject = ?, artifact_type = ?, "
                        + "annotations = ?, pushed_at = ? WHERE repository_id = ? AND digest = ?",
                m.mediaType(), m.size(), subject, m.artifactType(), annotations, pushedAt, id, m.digest().value());
        if (updated == 0) {
            Database.update(c, "INSERT INTO manifests (repository_id, digest, media_type, size, subject, artifact_type, "
                            + "annotations, pushed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    id, m.digest().value(), m.mediaType(), m.size(), subject, m.artifactType(), annotations, pushedAt);
        }
    }

    private static void replaceReferences(Connection c, long id, ManifestRecord m) throws SQLException {
        Database.update(c, "DELETE FROM manifest_references WHERE repository_id = ? AND manifest_digest = ?",
                id, m.digest().value());
        // A manifest may name one blob twice (two identical layers); the table keeps it once.
        Set<Digest> references = new LinkedHashSet<>(m.references());
        if (references.isEmpty()) {
            return;
        }
        try (PreparedStatement s = c.prepareStatement("INSERT INTO manifest_references "
                + "(repository_id, manifest_digest, referenced_digest, ordinal) VALUES (?, ?, ?, ?)")) {
            int ordinal = 0;
            for (Digest reference : references) {
                s.setLong(1, id);
                s.setString(2, m.digest().value());
                s.setString(3, reference.value());
                s.setInt(4, ordinal++);
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    /** The repository's manifests matching {@code condition} on one value, ordered by digest, with their references. */
    private static List<ManifestRecord> select(Connection c, long id, String condition, String value) throws SQLException {
        List<ManifestRecord> found = Database.queryList(c, "SELECT digest, media_type, size, subject, artifact_type, "
                + "annotations, pushed_at FROM manifests WHERE repository_id = ? AND " + condition + " ORDER BY digest",
                rs -> {
                    String subject = rs.getString(4);
                    return new ManifestRecord(Digest.parse(rs.getString(1)), rs.getString(2), rs.getLong(3), List.of(),
                            subject == null ? null : Digest.parse(subject), rs.getString(5), fromJson(rs.getString(6)),
                            rs.getObject(7, OffsetDateTime.class).toInstant());
                }, id, value);
        List<ManifestRecord> withReferences = new ArrayList<>(found.size());
        for (ManifestRecord m : found) {
            withReferences.add(new ManifestRecord(m.digest(), m.mediaType(), m.size(), references(c, id, m.digest()),
                    m.subject(), m.artifactType(), m.annotations(), m.pushedAt()));
        }
        return withReferences;
    }

    private static List<Digest> references(Connection c, long id, Digest manifest) throws SQLException {
        return Database.queryList(c, "SELECT referenced_digest FROM manifest_references "
                + "WHERE repository_id = ? AND manifest_digest = ? ORDER BY ordinal", rs -> Digest.parse(rs.getString(1)),
                id, manifest.value());
    }

    private static String toJson(Map<String, String> annotations) {
        if (annotations.isEmpty()) {
            return null;
        }
        try {
            return JSON.writeValueAsString(annotations);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("annotations are strings and always serialise", e);
        }
    }

    private static Map<String, String> fromJson(String json) throws SQLException {
        if (json == null) {
            return Map.of();
        }
        try {
            return JSON.readValue(json, STRING_MAP);
        } catch (JsonProcessingException e) {
            throw new SQLException("stored annotations are not a JSON object of strings", e);
        }
    }
}
