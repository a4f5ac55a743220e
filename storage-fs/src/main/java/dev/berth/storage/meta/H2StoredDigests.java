package dev.berth.storage.meta;

import dev.berth.core.blob.BlobStore;
import dev.berth.core.digest.Digest;
import dev.berth.core.error.RegistryException;
import dev.berth.core.name.RepositoryName;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Every digest the metadata names (blob links and manifests, in any repository), for startup recovery and
 * the integrity check: they find those whose blob is missing and forget them.
 */
public final class H2StoredDigests {
    private static final System.Logger LOG = System.getLogger(H2StoredDigests.class.getName());

    private final Database database;
    private final H2StoredBlobs storedBlobs;

    /** @param clock marks the blobs left unlinked as candidates for collection */
    public H2StoredDigests(Database database, Clock clock) {
        this.database = database;
        this.storedBlobs = new H2StoredBlobs(database, clock);
    }

    /** Calls {@code action} once with each digest that a blob link or a manifest names, in one streaming pass. */
    public void forEach(Consumer<Digest> action) {
        database.transaction(c -> {
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT digest FROM blob_links UNION SELECT digest FROM manifests")) {
                while (rs.next()) {
                    String value = rs.getString(1);
                    try {
                        action.accept(Digest.parse(value));
                    } catch (RegistryException e) {
                        LOG.log(System.Logger.Level.WARNING, "ignoring malformed digest in the metadata: " + value);
                    }
                }
            }
            return null;
        });
    }

    /**
     * The digests that the metadata names but {@code blobs} lacks, collected in one streaming pass with one
     * stat per digest, whatever their algorithm.
     */
    public List<Digest> missingFrom(BlobStore blobs) throws IOException {
        List<Digest> missing = new ArrayList<>();
        try {
            forEach(digest -> {
                try {
                    if (blobs.size(digest).isEmpty()) {
                        missing.add(digest);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return missing;
    }

    /** The repositories, by name, that link {@code digest} or hold a manifest stored under it. */
    public List<String> repositoriesNaming(Digest digest) {
        return database.transaction(c -> repositoriesNaming(c, digest.value()));
    }

    private static List<String> repositoriesNaming(Connection c, String digest) throws SQLException {
        return Database.queryList(c, "SELECT r.name FROM blob_links b "
                + "JOIN repositories r ON r.id = b.repository_id WHERE b.digest = ? "
                + "UNION SELECT r.name FROM manifests m JOIN repositories r ON r.id = m.repository_id "
                + "WHERE m.digest = ? ORDER BY 1", rs -> rs.getString(1), digest, digest);
    }

    /**
     * Removes, in every repository, the links to {@code digest} (giving back their usage) and the manifests
     * stored under it with their tags and references.
     *
     * <p>It locks the registries it changes first, in name order, as every writer of a registry's links does
     * ({@code docs/consistency.md}): on a cluster one node's startup recovery runs while the others take requests.
     * A row that a registry not locked here gained meanwhile is left, for the next check to find.
     *
     * @return how many links and manifests were removed
     */
    public int forget(Digest digest) {
        String value = digest.value();
        return database.transaction(c -> {
            Set<String> registries = new TreeSet<>();
            for (String repository : repositoriesNaming(c, value)) {
                registries.add(RepositoryName.parse(repository).registry());
            }
            Set<Long> locked = new HashSet<>();
            for (String registry : registries) {
                Long id = database.lockRegistry(c, registry);
                if (id != null) {
                    locked.add(id);
                }
            }
            int removed = 0;
            for (RepositoryRows.Row row : Database.queryList(c, "SELECT r.id, r.registry_id FROM blob_links b "
                    + "JOIN repositories r ON r.id = b.repository_id WHERE b.digest = ?", RepositoryRows::read, value)) {
                if (locked.contains(row.registryId())) {
                    removed += H2BlobLinkStore.unlink(c, row, List.of(value), storedBlobs).size();
                }
            }
            for (RepositoryRows.Row row : Database.queryList(c, "SELECT r.id, r.registry_id FROM manifests m "
                    + "JOIN repositories r ON r.id = m.repository_id WHERE m.digest = ?", RepositoryRows::read, value)) {
                if (locked.contains(row.registryId())) {
                    removed += H2ManifestStore.deleteRows(c, row.id(), value);
                }
            }
            return removed;
        });
    }
}
