package dev.berth.storage.meta;

import dev.berth.core.catalog.ArtifactSummary;
import dev.berth.core.catalog.CatalogStore;
import dev.berth.core.catalog.RepositorySummary;
import dev.berth.core.catalog.TagSummary;
import dev.berth.core.digest.Digest;
import dev.berth.core.listing.Listing;
import dev.berth.core.listing.PageRequest;
import dev.berth.core.name.RepositoryName;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static dev.berth.storage.meta.Database.bind;
import static dev.berth.storage.meta.Database.instant;

/**
 * The management plane's read views of repositories and artifacts, in the H2 {@link Database}.
 *
 * <p>An artifact's size is its manifest's size plus the sizes of the distinct blobs in the tree it spans:
 * the blobs it references (at their size as linked into the repository), and for each referenced manifest
 * of the same repository (an index's children) that manifest's size and, recursively, its own references.
 * Each digest counts once per artifact, which also guards against cycles; a reference that is neither a
 * manifest nor a linked blob of the repository counts nothing.
 */
public final class H2CatalogStore implements CatalogStore {
    private static final String REPOSITORY_COLUMNS = "r.id, r.name, r.pull_count, r.created_at, r.updated_at, "
            + "(SELECT COUNT(*) FROM manifests m WHERE m.repository_id = r.id) AS artifact_count, "
            + "(SELECT COALESCE(SUM(b.size), 0) FROM blob_links b WHERE b.repository_id = r.id) AS size_bytes";

    private final Database database;

    public H2CatalogStore(Database database) {
        this.database = database;
    }

    @Override
    public Listing<RepositorySummary> repositories(String registry, PageRequest page) {
        return database.transaction(c -> {
            Long registryId = Database.registryId(c, registry);
            if (registryId == null) {
                return new Listing<RepositorySummary>(0, List.of());
            }
            // The name filter applies to the name within the registry: what follows "registry/".
            return new PagedQuery("repositories r").where("r.registry_id = ?", registryId)
                    .whereContains("SUBSTRING(r.name FROM " + (registry.length() + 2) + ")", page.nameContains())
                    .list(c, REPOSITORY_COLUMNS, "r.name", page, H2CatalogStore::readRepository);
        });
    }

    @Override
    public Optional<RepositorySummary> repository(RepositoryName name) {
        return database.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + REPOSITORY_COLUMNS + " FROM repositories r WHERE r.name = ?")) {
                s.setString(1, name.value());
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? Optional.of(readRepository(rs)) : Optional.<RepositorySummary>empty();
                }
            }
        });
    }

    @Override
    public Listing<ArtifactSummary> artifacts(RepositoryName repository, String tag, PageRequest request) {
        return database.transaction(c -> {
            Long id = Database.queryLong(c, "SELECT id FROM repositories WHERE name = ?", repository.value());
            if (id == null) {
                return new Listing<ArtifactSummary>(0, List.of());
            }
            PagedQuery query = new PagedQuery("manifests m").where("m.repository_id = ?", id);
            if (tag != null) {
                query.where("m.digest IN (SELECT t.digest FROM tags t WHERE t.repository_id = ? AND t.name = ?)", id, tag);
            }
            String fragment = request.nameContains();
            if (fragment != null) {
                query.where("(POSITION(? IN LOWER(m.digest)) > 0 OR EXISTS (SELECT 1 FROM tags t WHERE t.repository_id = m.repository_id "
                        + "AND t.digest = m.digest AND POSITION(? IN LOWER(t.name)) > 0))", fragment, fragment);
            }
            Listing<ArtifactSummary> rows = query.list(c, "m.digest, m.media_type, m.size, m.pull_count, m.pushed_at, "
                    + "m.pulled_at", "m.pushed_at DESC, m.digest", request, rs -> new ArtifactSummary(
                    Digest.parse(rs.getString("digest")), rs.getString("media_type"), rs.getLong("size"),
                    rs.getLong("pull_count"), instant(rs, "pushed_at"), instant(rs, "pulled_at"), List.of()));
            List<ArtifactSummary> complete = new ArrayList<>(rows.results().size());
            for (ArtifactSummary a : rows.results()) {
                complete.add(new ArtifactSummary(a.digest(), a.mediaType(), treeSize(c, id, a.digest(), a.size()),
                        a.pullCount(), a.pushedAt(), a.pulledAt(), tags(c, id, a.digest())));
            }
            return new Listing<>(rows.count(), complete);
        });
    }

    /** The manifest's size plus the distinct blobs and child manifests it spans (see the class comment). */
    private static long treeSize(Connection c, long repositoryId, Digest root, long rootSize) throws SQLException {
        Set<String> seen = new HashSet<>();
        seen.add(root.value());
        Deque<String> manifests = new ArrayDeque<>();
        manifests.add(root.value());
        long total = rootSize;
        try (PreparedStatement s = c.prepareStatement("SELECT r.referenced_digest, cm.size AS manifest_size, "
                + "b.size AS blob_size FROM manifest_references r "
                + "LEFT JOIN manifests cm ON cm.repository_id = r.repository_id AND cm.digest = r.referenced_digest "
                + "LEFT JOIN blob_links b ON b.repository_id = r.repository_id AND b.digest = r.referenced_digest "
                + "WHERE r.repository_id = ? AND r.manifest_digest = ?")) {
            while (!manifests.isEmpty()) {
                bind(s, repositoryId, manifests.poll());
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        String digest = rs.getString(1);
                        if (!seen.add(digest)) {
                            continue;
                        }
                        long manifestSize = rs.getLong(2);
                        if (!rs.wasNull()) {
                            total += manifestSize;
                            manifests.add(digest);
                            continue;
                        }
                        long blobSize = rs.getLong(3);
                        if (!rs.wasNull()) {
                            total += blobSize;
                        }
                    }
                }
            }
        }
        return total;
    }

    private static List<TagSummary> tags(Connection c, long repositoryId, Digest digest) throws SQLException {
        List<TagSummary> tags = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT name, pushed_at, pulled_at FROM tags "
                + "WHERE repository_id = ? AND digest = ? ORDER BY name")) {
            bind(s, repositoryId, digest.value());
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    tags.add(new TagSummary(rs.getString("name"), instant(rs, "pushed_at"), instant(rs, "pulled_at")));
                }
            }
        }
        return tags;
    }

    private static RepositorySummary readRepository(ResultSet rs) throws SQLException {
        Instant createdAt = instant(rs, "created_at");
        return new RepositorySummary(rs.getString("name"), rs.getLong("artifact_count"), rs.getLong("pull_count"),
                rs.getLong("size_bytes"), createdAt, instant(rs, "updated_at"));
    }
}
