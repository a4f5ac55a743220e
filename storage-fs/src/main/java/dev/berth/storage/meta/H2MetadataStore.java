package dev.berth.storage.meta;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.core.digest.Digest;
import dev.berth.core.metadata.ManifestRecord;
import dev.berth.core.error.RegistryException;
import dev.berth.core.metadata.BlobLink;
import dev.berth.core.metadata.ManifestDependencies;
import dev.berth.core.metadata.MetadataStore;
import dev.berth.core.metadata.RepositoryContents;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.name.Tag;
import dev.berth.storage.layout.DataLayout;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The metadata store in the embedded H2 {@link Database}, through plain JDBC.
 *
 * <p>Every method is one transaction (see {@link Database#transaction} for conflicts and retries).
 *
 * <p>Registry usage: a repository belongs to the tenant registry named by the first component of its name
 * ({@code repositories.registry_id}, never NULL: a repository is created only under an existing registry).
 * {@code registry_blobs} holds one row per distinct blob linked in a registry with the number of its
 * repositories linking it; {@code registries.storage_used_bytes} is the sum of those rows' sizes. Every
 * method that adds or removes a blob link updates both in its own transaction, so the usage is exact at
 * every commit.
 *
 * <p>Serialisation: every transaction that writes first locks its registry's row ({@link Database#lockRegistry}),
 * as the registry's deletion does ({@link H2TenantStore#delete}). Writes to one registry therefore commit
 * one after the other, and each statement of the later one (READ COMMITTED) sees everything the earlier one
 * committed: a manifest's dependencies checked inside {@link #putManifest} cannot be unlinked before it
 * commits, an unlink that runs after it sees its references, and nothing is written into a registry once
 * its deletion has committed. {@code docs/consistency.md} gives the whole argument.
 *
 * <p>Durability: links are recorded only after their blob is durable, so what a power loss could take is
 * at worst a link to a blob that is still there, never the reverse.
 */
public final class H2MetadataStore implements MetadataStore, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(H2MetadataStore.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {
    };

    private final Database database;
    private final boolean ownsDatabase;
    private final Clock clock;

    /** A store over {@code database}, which the caller closes; {@code clock} stamps links and repositories. */
    public H2MetadataStore(Database database, Clock clock) {
        this(database, false, clock);
    }

    private H2MetadataStore(Database database, boolean ownsDatabase, Clock clock) {
        this.database = database;
        this.ownsDatabase = ownsDatabase;
        this.clock = clock;
    }

    /** Opens (creating when absent) the database under {@code meta/}, migrates it, and closes it with this store. */
    public static H2MetadataStore open(DataLayout layout, Clock clock) throws IOException {
        return new H2MetadataStore(Database.open(layout), true, clock);
    }

    /** The database this store runs in, for the other stores that share it. */
    public Database database() {
        return database;
    }

    /** Closes the database when this store opened it ({@link #open}); otherwise its owner does. */
    @Override
    public void close() {
        if (ownsDatabase) {
            database.close();
        }
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
    public void linkBlobs(List<BlobLink> links) {
        transaction(c -> {
            // Each registry locked once, in name order, so that two batches never wait on each other in a cycle.
            Map<String, Long> registries = new TreeMap<>();
            links.forEach(link -> registries.put(link.repository().registry(), null));
            for (Map.Entry<String, Long> registry : registries.entrySet()) {
                registry.setValue(requireRegistry(c, registry.getKey()));
            }
            OffsetDateTime now = timestamp(clock.instant());
            for (BlobLink link : links) {
                RepositoryRow row = ensureRepository(c, link.repository(), registries.get(link.repository().registry()));
                String digest = link.digest().value();
                int refreshed = update(c, "UPDATE blob_links SET linked_at = ? WHERE repository_id = ? AND digest = ?",
                        now, row.id(), digest);
                if (refreshed == 0) {
                    // A concurrent first link of the same blob into this repository fails here on the primary
                    // key, and its retry finds this link and only refreshes it.
                    update(c, "INSERT INTO blob_links (repository_id, digest, size, linked_at) VALUES (?, ?, ?, ?)",
                            row.id(), digest, link.size(), now);
                    accountLink(c, row.registryId(), digest, link.size());
                }
            }
            return null;
        });
    }

    @Override
    public boolean registryLinksBlob(String registry, Digest digest) {
        return transaction(c -> queryLong(c, "SELECT b.link_count FROM registry_blobs b JOIN registries g "
                + "ON g.id = b.registry_id WHERE g.name = ? AND b.digest = ?", registry, digest.value()) != null);
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
            RepositoryRow row = lockedRepositoryRow(c, repository);
            return row != null && unlink(c, row, digest.value());
        });
    }

    @Override
    public List<Digest> unlinkUnreferencedBlobs(RepositoryName repository, Instant linkedBefore) {
        return transaction(c -> {
            RepositoryRow row = lockedRepositoryRow(c, repository);
            if (row == null) {
                return List.<Digest>of();
            }
            List<String> candidates = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT b.digest FROM blob_links b "
                    + "WHERE b.repository_id = ? AND b.linked_at < ? "
                    + "AND NOT EXISTS (SELECT 1 FROM manifest_references r "
                    + "WHERE r.repository_id = b.repository_id AND r.referenced_digest = b.digest) "
                    + "AND NOT EXISTS (SELECT 1 FROM manifests m "
                    + "WHERE m.repository_id = b.repository_id AND m.digest = b.digest) ORDER BY b.digest")) {
                bind(s, row.id(), linkedBefore);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        candidates.add(rs.getString(1));
                    }
                }
            }
            List<Digest> unlinked = new ArrayList<>(candidates.size());
            for (String digest : candidates) {
                if (unlink(c, row, digest)) {
                    unlinked.add(Digest.parse(digest));
                }
            }
            return unlinked;
        });
    }

    @Override
    public boolean deleteRepository(RepositoryName repository) {
        return transaction(c -> {
            RepositoryRow row = lockedRepositoryRow(c, repository);
            if (row == null) {
                return false;
            }
            for (String digest : linkedDigests(c, row.id())) {
                accountUnlink(c, row.registryId(), digest);
            }
            update(c, "DELETE FROM tags WHERE repository_id = ?", row.id());
            update(c, "DELETE FROM manifest_references WHERE repository_id = ?", row.id());
            update(c, "DELETE FROM manifests WHERE repository_id = ?", row.id());
            update(c, "DELETE FROM blob_links WHERE repository_id = ?", row.id());
            update(c, "DELETE FROM repositories WHERE id = ?", row.id());
            return true;
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
    public void putManifest(RepositoryName repository, ManifestRecord manifest, Tag tag,
                            ManifestDependencies dependencies) {
        transaction(c -> {
            long id = ensureRepository(c, repository, requireRegistry(c, repository.registry())).id();
            dependencies.verify(contents(c, id));
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
            RepositoryRow row = lockedRepositoryRow(c, repository);
            if (row == null || update(c, "DELETE FROM tags WHERE repository_id = ? AND name = ?", row.id(), tag.value()) == 0) {
                return false;
            }
            touchRepository(c, row.id());
            return true;
        });
    }

    @Override
    public boolean deleteManifest(RepositoryName repository, Digest digest) {
        return transaction(c -> {
            RepositoryRow row = lockedRepositoryRow(c, repository);
            if (row == null || deleteManifestRows(c, row.id(), digest.value()) == 0) {
                return false;
            }
            touchRepository(c, row.id());
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
                    } catch (dev.berth.core.error.RegistryException e) {
                        LOG.log(System.Logger.Level.WARNING, "ignoring malformed digest in the metadata: " + value);
                    }
                }
            }
            return null;
        });
    }

    /**
     * Removes, in every repository, the links to {@code digest} and the manifests stored under it with
     * their tags and references; used by startup recovery when the blob is gone, before the server takes
     * requests (so it takes no registry lock).
     *
     * @return how many links and manifests were removed
     */
    public int forgetDigest(Digest digest) {
        return transaction(c -> {
            int removed = 0;
            List<RepositoryRow> linking = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT r.id, r.registry_id FROM blob_links b "
                    + "JOIN repositories r ON r.id = b.repository_id WHERE b.digest = ?")) {
                s.setString(1, digest.value());
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        linking.add(readRepositoryRow(rs));
                    }
                }
            }
            for (RepositoryRow row : linking) {
                removed += unlink(c, row, digest.value()) ? 1 : 0;
            }
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

    /** A repository's row: its id, and its registry's id. */
    private record RepositoryRow(long id, long registryId) {
    }

    /** {@link Database#lockRegistry}, refusing with {@code NAME_UNKNOWN} when the registry does not exist. */
    private long requireRegistry(Connection c, String registry) throws SQLException {
        Long id = database.lockRegistry(c, registry);
        if (id == null) {
            throw RegistryException.nameUnknown(registry);
        }
        return id;
    }

    /** The repository's row after locking its registry's, or null when either does not exist. */
    private RepositoryRow lockedRepositoryRow(Connection c, RepositoryName repository) throws SQLException {
        return database.lockRegistry(c, repository.registry()) == null ? null : repositoryRow(c, repository);
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

    /** {@link #queryLong} for {@link #contents}, whose interface declares no checked exceptions. */
    private static Long queryInContents(Connection c, String sql, Object... parameters) {
        try {
            return queryLong(c, sql, parameters);
        } catch (SQLException e) {
            throw new MetadataStoreException("metadata store: " + e.getMessage(), e);
        }
    }

    private Long repositoryId(Connection c, RepositoryName repository) throws SQLException {
        RepositoryRow row = repositoryRow(c, repository);
        return row == null ? null : row.id();
    }

    private RepositoryRow repositoryRow(Connection c, RepositoryName repository) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT id, registry_id FROM repositories WHERE name = ?")) {
            s.setString(1, repository.value());
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? readRepositoryRow(rs) : null;
            }
        }
    }

    private static RepositoryRow readRepositoryRow(ResultSet rs) throws SQLException {
        return new RepositoryRow(rs.getLong(1), rs.getLong(2));
    }

    /**
     * The repository's row, inserting it when absent under its registry, whose row the caller has locked;
     * a concurrent insert surfaces as a retried conflict.
     */
    private RepositoryRow ensureRepository(Connection c, RepositoryName repository, long registryId) throws SQLException {
        RepositoryRow existing = repositoryRow(c, repository);
        if (existing != null) {
            return existing;
        }
        OffsetDateTime now = timestamp(clock.instant());
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO repositories (name, registry_id, created_at, updated_at) VALUES (?, ?, ?, ?)",
                Statement.RETURN_GENERATED_KEYS)) {
            bind(s, repository.value(), registryId, now, now);
            s.executeUpdate();
            try (ResultSet keys = s.getGeneratedKeys()) {
                if (!keys.next()) {
                    throw new SQLException("no id generated for repository " + repository);
                }
                return new RepositoryRow(keys.getLong(1), registryId);
            }
        }
    }

    private static List<String> linkedDigests(Connection c, long repositoryId) throws SQLException {
        List<String> digests = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT digest FROM blob_links WHERE repository_id = ?")) {
            s.setLong(1, repositoryId);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    digests.add(rs.getString(1));
                }
            }
        }
        return digests;
    }

    /** Removes one link and gives its usage back when it was the registry's last; false when it was not linked. */
    private static boolean unlink(Connection c, RepositoryRow row, String digest) throws SQLException {
        if (update(c, "DELETE FROM blob_links WHERE repository_id = ? AND digest = ?", row.id(), digest) == 0) {
            return false;
        }
        accountUnlink(c, row.registryId(), digest);
        return true;
    }

    /**
     * Counts a new link of a blob in its registry: the first one adds the blob's size to the usage. The
     * transaction holds the registry's row already, so the registry_blobs row is the only new lock.
     */
    private static void accountLink(Connection c, long registryId, String digest, long size) throws SQLException {
        int counted = update(c, "UPDATE registry_blobs SET link_count = link_count + 1 "
                + "WHERE registry_id = ? AND digest = ?", registryId, digest);
        if (counted == 0) {
            // Two first links of one blob into a registry: one fails here on the primary key and is retried.
            update(c, "INSERT INTO registry_blobs (registry_id, digest, size, link_count) VALUES (?, ?, ?, 1)",
                    registryId, digest, size);
            update(c, "UPDATE registries SET storage_used_bytes = storage_used_bytes + ? WHERE id = ?", size, registryId);
        }
    }

    /** Counts a removed link: the registry's last one gives the blob's size back. */
    private static void accountUnlink(Connection c, long registryId, String digest) throws SQLException {
        if (update(c, "UPDATE registry_blobs SET link_count = link_count - 1 WHERE registry_id = ? AND digest = ?",
                registryId, digest) == 0) {
            LOG.log(System.Logger.Level.WARNING, "blob " + digest + " was linked but not counted in its registry");
            return;
        }
        try (PreparedStatement s = c.prepareStatement(
                "SELECT link_count, size FROM registry_blobs WHERE registry_id = ? AND digest = ?")) {
            bind(s, registryId, digest);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next() || rs.getLong(1) > 0) {
                    return;
                }
                long size = rs.getLong(2);
                update(c, "DELETE FROM registry_blobs WHERE registry_id = ? AND digest = ?", registryId, digest);
                update(c, "UPDATE registries SET storage_used_bytes = storage_used_bytes - ? WHERE id = ?",
                        size, registryId);
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
        return Database.update(c, sql, parameters);
    }

    private static Long queryLong(Connection c, String sql, Object... parameters) throws SQLException {
        return Database.queryLong(c, sql, parameters);
    }

    private static void bind(PreparedStatement s, Object... parameters) throws SQLException {
        Database.bind(s, parameters);
    }

    private static OffsetDateTime timestamp(Instant instant) {
        return Database.timestamp(instant);
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

    private <T> T transaction(Database.Work<T> work) {
        return database.transaction(work);
    }
}
