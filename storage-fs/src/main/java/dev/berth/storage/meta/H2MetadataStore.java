package dev.berth.storage.meta;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.core.digest.Digest;
import dev.berth.core.metadata.ManifestRecord;
import dev.berth.core.metadata.MetadataStore;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.name.Tag;
import dev.berth.storage.layout.DataLayout;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcConnectionPool;
import org.h2.jdbcx.JdbcDataSource;

import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The metadata store in an embedded H2 database under {@code meta/} (see {@link DataLayout}), through plain
 * JDBC; the schema comes from the Flyway migrations in {@code db/migration/berth}.
 *
 * <p>Every method is one transaction. Writes that race on a new row (two first pushes into one
 * repository) meet a unique-key violation in one of them, which is retried a few times as a whole.
 *
 * <p>Durability: {@code WRITE_DELAY=0} makes H2 write each transaction to its file when it commits,
 * instead of up to half a second later, so a process crash loses nothing committed. Links are recorded
 * only after their blob is durable, so what a power loss could take is at worst a link to a blob that is
 * still there, never the reverse.
 *
 * <p>Times are kept to the microsecond, which both H2 and PostgreSQL store.
 */
public final class H2MetadataStore implements MetadataStore, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(H2MetadataStore.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {
    };
    private static final int MAX_CONNECTIONS = 8;
    private static final int MAX_ATTEMPTS = 4;
    private static final String MIGRATIONS = "classpath:db/migration/berth";

    private final JdbcConnectionPool pool;
    private final Clock clock;

    private H2MetadataStore(JdbcConnectionPool pool, Clock clock) {
        this.pool = pool;
        this.clock = clock;
    }

    /** Opens (creating when absent) the database under {@code meta/} and migrates its schema. */
    public static H2MetadataStore open(DataLayout layout, Clock clock) throws IOException {
        Files.createDirectories(layout.metaDir());
        JdbcDataSource dataSource = new JdbcDataSource();
        // DB_CLOSE_ON_EXIT=FALSE: the server closes the pool in its own shutdown order, after the last request.
        // LOCK_TIMEOUT: a transaction waits this long for a row another holds before failing (and retrying).
        dataSource.setURL("jdbc:h2:file:" + layout.metaDatabase()
                + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0;LOCK_TIMEOUT=10000");
        dataSource.setUser("berth");
        dataSource.setPassword("");
        JdbcConnectionPool pool = JdbcConnectionPool.create(dataSource);
        pool.setMaxConnections(MAX_CONNECTIONS);
        try {
            Flyway.configure().dataSource(pool).locations(MIGRATIONS).load().migrate();
        } catch (RuntimeException e) {
            pool.dispose();
            throw e;
        }
        return new H2MetadataStore(pool, clock);
    }

    @Override
    public void close() {
        pool.dispose();
    }

    @Override
    public boolean repositoryExists(RepositoryName repository) {
        return transaction(c -> repositoryId(c, repository) != null);
    }

    @Override
    public List<RepositoryName> listRepositories(String last, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        return transaction(c -> {
            String sql = last == null
                    ? "SELECT name FROM repositories ORDER BY name FETCH FIRST ? ROWS ONLY"
                    : "SELECT name FROM repositories WHERE name > ? ORDER BY name FETCH FIRST ? ROWS ONLY";
            try (PreparedStatement s = c.prepareStatement(sql)) {
                int i = 1;
                if (last != null) {
                    s.setString(i++, last);
                }
                s.setInt(i, limit);
                List<RepositoryName> names = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        names.add(RepositoryName.parse(rs.getString(1)));
                    }
                }
                return names;
            }
        });
    }

    @Override
    public void linkBlob(RepositoryName repository, Digest digest, long size) {
        transaction(c -> {
            long id = ensureRepository(c, repository);
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO blob_links (repository_id, digest, size, linked_at) "
                            + "SELECT ?, ?, ?, ? WHERE NOT EXISTS "
                            + "(SELECT 1 FROM blob_links WHERE repository_id = ? AND digest = ?)")) {
                s.setLong(1, id);
                s.setString(2, digest.value());
                s.setLong(3, size);
                s.setObject(4, timestamp(clock.instant()));
                s.setLong(5, id);
                s.setString(6, digest.value());
                s.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public OptionalLong linkedBlobSize(RepositoryName repository, Digest digest) {
        return transaction(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT b.size FROM blob_links b JOIN repositories r ON r.id = b.repository_id "
                            + "WHERE r.name = ? AND b.digest = ?")) {
                s.setString(1, repository.value());
                s.setString(2, digest.value());
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
                }
            }
        });
    }

    @Override
    public Optional<RepositoryName> anyRepositoryLinking(Digest digest) {
        return transaction(c -> {
            // The first by name, so that the answer does not change from call to call.
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT r.name FROM blob_links b JOIN repositories r ON r.id = b.repository_id "
                            + "WHERE b.digest = ? ORDER BY r.name FETCH FIRST 1 ROWS ONLY")) {
                s.setString(1, digest.value());
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? Optional.of(RepositoryName.parse(rs.getString(1))) : Optional.empty();
                }
            }
        });
    }

    @Override
    public boolean unlinkBlob(RepositoryName repository, Digest digest) {
        return transaction(c -> {
            Long id = repositoryId(c, repository);
            return id != null && update(c, "DELETE FROM blob_links WHERE repository_id = ? AND digest = ?",
                    id, digest.value()) > 0;
        });
    }

    @Override
    public boolean isUnreferenced(Digest digest) {
        return transaction(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT 1 FROM blob_links WHERE digest = ? UNION ALL SELECT 1 FROM manifests WHERE digest = ?")) {
                s.setString(1, digest.value());
                s.setString(2, digest.value());
                s.setMaxRows(1);
                try (ResultSet rs = s.executeQuery()) {
                    return !rs.next();
                }
            }
        });
    }

    @Override
    public void putManifest(RepositoryName repository, ManifestRecord manifest, Tag tag) {
        transaction(c -> {
            long id = ensureRepository(c, repository);
            upsertManifest(c, id, manifest);
            replaceReferences(c, id, manifest);
            if (tag != null) {
                pointTag(c, id, tag, manifest);
            }
            touchRepository(c, id);
            return null;
        });
    }

    @Override
    public Optional<ManifestRecord> manifest(RepositoryName repository, Digest digest) {
        return transaction(c -> {
            Long id = repositoryId(c, repository);
            if (id == null) {
                return Optional.empty();
            }
            List<ManifestRecord> found = manifests(c, id, "digest = ?", digest.value());
            return found.stream().findFirst();
        });
    }

    @Override
    public Optional<Digest> resolveTag(RepositoryName repository, Tag tag) {
        return transaction(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT t.digest FROM tags t JOIN repositories r ON r.id = t.repository_id "
                            + "WHERE r.name = ? AND t.name = ?")) {
                s.setString(1, repository.value());
                s.setString(2, tag.value());
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? Optional.of(Digest.parse(rs.getString(1))) : Optional.empty();
                }
            }
        });
    }

    @Override
    public List<Tag> listTags(RepositoryName repository, String last, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        return transaction(c -> {
            String sql = "SELECT t.name FROM tags t JOIN repositories r ON r.id = t.repository_id WHERE r.name = ?"
                    + (last == null ? "" : " AND t.name > ?")
                    + " ORDER BY t.name FETCH FIRST ? ROWS ONLY";
            try (PreparedStatement s = c.prepareStatement(sql)) {
                int i = 1;
                s.setString(i++, repository.value());
                if (last != null) {
                    s.setString(i++, last);
                }
                s.setInt(i, limit);
                return readTags(s);
            }
        });
    }

    @Override
    public List<Tag> tagsOf(RepositoryName repository, Digest digest) {
        return transaction(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT t.name FROM tags t JOIN repositories r ON r.id = t.repository_id "
                            + "WHERE r.name = ? AND t.digest = ? ORDER BY t.name")) {
                s.setString(1, repository.value());
                s.setString(2, digest.value());
                return readTags(s);
            }
        });
    }

    @Override
    public boolean deleteTag(RepositoryName repository, Tag tag) {
        return transaction(c -> {
            Long id = repositoryId(c, repository);
            if (id == null || update(c, "DELETE FROM tags WHERE repository_id = ? AND name = ?", id, tag.value()) == 0) {
                return false;
            }
            touchRepository(c, id);
            return true;
        });
    }

    @Override
    public boolean deleteManifest(RepositoryName repository, Digest digest) {
        return transaction(c -> {
            Long id = repositoryId(c, repository);
            if (id == null || deleteManifestRows(c, id, digest.value()) == 0) {
                return false;
            }
            touchRepository(c, id);
            return true;
        });
    }

    @Override
    public List<ManifestRecord> referrers(RepositoryName repository, Digest subject) {
        return transaction(c -> {
            Long id = repositoryId(c, repository);
            return id == null ? List.<ManifestRecord>of() : manifests(c, id, "subject = ?", subject.value());
        });
    }

    /**
     * Calls {@code action} once with each digest that a blob link or a manifest names, in any repository;
     * used by startup recovery to check that their blobs exist.
     */
    public void forEachStoredDigest(Consumer<Digest> action) {
        transaction(c -> {
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT digest FROM blob_links UNION SELECT digest FROM manifests")) {
                while (rs.next()) {
                    String value = rs.getString(1);
                    try {
                        action.accept(Digest.parse(value));
                    } catch (dev.berth.core.error.OciException e) {
                        LOG.log(System.Logger.Level.WARNING, "ignoring malformed digest in the metadata: " + value);
                    }
                }
            }
            return null;
        });
    }

    /**
     * Removes, in every repository, the links to {@code digest} and the manifests stored under it with
     * their tags and references; used by startup recovery when the blob is gone.
     *
     * @return how many links and manifests were removed
     */
    public int forgetDigest(Digest digest) {
        return transaction(c -> {
            int removed = update(c, "DELETE FROM blob_links WHERE digest = ?", digest.value());
            List<Long> repositories = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT repository_id FROM manifests WHERE digest = ?")) {
                s.setString(1, digest.value());
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        repositories.add(rs.getLong(1));
                    }
                }
            }
            for (long id : repositories) {
                removed += deleteManifestRows(c, id, digest.value());
            }
            return removed;
        });
    }

    // --- the steps of the transactions above

    private Long repositoryId(Connection c, RepositoryName repository) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT id FROM repositories WHERE name = ?")) {
            s.setString(1, repository.value());
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    /** The repository's id, inserting its row when absent; a concurrent insert surfaces as a retried conflict. */
    private long ensureRepository(Connection c, RepositoryName repository) throws SQLException {
        Long existing = repositoryId(c, repository);
        if (existing != null) {
            return existing;
        }
        OffsetDateTime now = timestamp(clock.instant());
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO repositories (name, created_at, updated_at) VALUES (?, ?, ?)",
                Statement.RETURN_GENERATED_KEYS)) {
            s.setString(1, repository.value());
            s.setObject(2, now);
            s.setObject(3, now);
            s.executeUpdate();
            try (ResultSet keys = s.getGeneratedKeys()) {
                if (!keys.next()) {
                    throw new SQLException("no id generated for repository " + repository);
                }
                return keys.getLong(1);
            }
        }
    }

    /** Marks a change users see (manifests, tags); blob links alone do not count, and would make it a hot row. */
    private void touchRepository(Connection c, long id) throws SQLException {
        update(c, "UPDATE repositories SET updated_at = ? WHERE id = ?", timestamp(clock.instant()), id);
    }

    private void upsertManifest(Connection c, long id, ManifestRecord m) throws SQLException {
        Object subject = m.subject() == null ? null : m.subject().value();
        String annotations = toJson(m.annotations());
        OffsetDateTime pushedAt = timestamp(m.pushedAt());
        int updated = update(c, "UPDATE manifests SET media_type = ?, size = ?, subject = ?, artifact_type = ?, "
                        + "annotations = ?, pushed_at = ? WHERE repository_id = ? AND digest = ?",
                m.mediaType(), m.size(), subject, m.artifactType(), annotations, pushedAt, id, m.digest().value());
        if (updated == 0) {
            update(c, "INSERT INTO manifests (repository_id, digest, media_type, size, subject, artifact_type, "
                            + "annotations, pushed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    id, m.digest().value(), m.mediaType(), m.size(), subject, m.artifactType(), annotations, pushedAt);
        }
    }

    private void replaceReferences(Connection c, long id, ManifestRecord m) throws SQLException {
        update(c, "DELETE FROM manifest_references WHERE repository_id = ? AND manifest_digest = ?", id, m.digest().value());
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

    private void pointTag(Connection c, long id, Tag tag, ManifestRecord m) throws SQLException {
        OffsetDateTime pushedAt = timestamp(m.pushedAt());
        int updated = update(c, "UPDATE tags SET digest = ?, pushed_at = ? WHERE repository_id = ? AND name = ?",
                m.digest().value(), pushedAt, id, tag.value());
        if (updated == 0) {
            update(c, "INSERT INTO tags (repository_id, name, digest, pushed_at) VALUES (?, ?, ?, ?)",
                    id, tag.value(), m.digest().value(), pushedAt);
        }
    }

    /** Deletes a manifest's tags, references and row, in the order the foreign keys need; the rows of the manifest. */
    private int deleteManifestRows(Connection c, long id, String digest) throws SQLException {
        update(c, "DELETE FROM tags WHERE repository_id = ? AND digest = ?", id, digest);
        update(c, "DELETE FROM manifest_references WHERE repository_id = ? AND manifest_digest = ?", id, digest);
        return update(c, "DELETE FROM manifests WHERE repository_id = ? AND digest = ?", id, digest);
    }

    private List<ManifestRecord> manifests(Connection c, long id, String condition, String value) throws SQLException {
        List<ManifestRecord> found = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT digest, media_type, size, subject, artifact_type, "
                + "annotations, pushed_at FROM manifests WHERE repository_id = ? AND " + condition + " ORDER BY digest")) {
            s.setLong(1, id);
            s.setString(2, value);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    Digest digest = Digest.parse(rs.getString(1));
                    String subject = rs.getString(4);
                    found.add(new ManifestRecord(digest, rs.getString(2), rs.getLong(3), List.of(),
                            subject == null ? null : Digest.parse(subject), rs.getString(5), fromJson(rs.getString(6)),
                            rs.getObject(7, OffsetDateTime.class).toInstant()));
                }
            }
        }
        List<ManifestRecord> withReferences = new ArrayList<>(found.size());
        for (ManifestRecord m : found) {
            withReferences.add(new ManifestRecord(m.digest(), m.mediaType(), m.size(), references(c, id, m.digest()),
                    m.subject(), m.artifactType(), m.annotations(), m.pushedAt()));
        }
        return withReferences;
    }

    private List<Digest> references(Connection c, long id, Digest manifest) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT referenced_digest FROM manifest_references "
                + "WHERE repository_id = ? AND manifest_digest = ? ORDER BY ordinal")) {
            s.setLong(1, id);
            s.setString(2, manifest.value());
            List<Digest> references = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    references.add(Digest.parse(rs.getString(1)));
                }
            }
            return references;
        }
    }

    private static List<Tag> readTags(PreparedStatement s) throws SQLException {
        List<Tag> tags = new ArrayList<>();
        try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                tags.add(Tag.parse(rs.getString(1)));
            }
        }
        return tags;
    }

    private static int update(Connection c, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                if (parameters[i] == null) {
                    s.setNull(i + 1, Types.VARCHAR);
                } else {
                    s.setObject(i + 1, parameters[i]);
                }
            }
            return s.executeUpdate();
        }
    }

    private static OffsetDateTime timestamp(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
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

    // --- transactions

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /** Runs {@code work} in one transaction, again from the start when it met a conflict with another. */
    private <T> T transaction(Work<T> work) {
        SQLException conflict = null;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            try (Connection c = pool.getConnection()) {
                c.setAutoCommit(false);
                try {
                    T result = work.run(c);
                    c.commit();
                    return result;
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                } finally {
                    // The pool hands this connection to the next caller as it is.
                    c.setAutoCommit(true);
                }
            } catch (SQLException e) {
                if (!isConflict(e)) {
                    throw new MetadataStoreException("metadata store: " + e.getMessage(), e);
                }
                conflict = e;
            }
        }
        throw new MetadataStoreException("metadata store: conflicting writes did not settle after "
                + MAX_ATTEMPTS + " attempts", conflict);
    }

    /** A unique-key violation from a concurrent insert, a deadlock, or a lock wait that timed out. */
    private static boolean isConflict(SQLException e) {
        String state = e.getSQLState();
        return "23505".equals(state) || "40001".equals(state) || "HYT00".equals(state);
    }
}
