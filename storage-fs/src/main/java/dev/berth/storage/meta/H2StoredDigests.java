package dev.berth.storage.meta;

import dev.berth.core.digest.Digest;
import dev.berth.core.error.RegistryException;

import java.sql.ResultSet;
import java.sql.Statement;
import java.util.function.Consumer;

/**
 * Every digest the metadata names (blob links and manifests, in any repository), for startup recovery: it
 * checks that each has its blob, and forgets those whose blob a crash took. Recovery runs before the server
 * takes requests, so this takes no registry lock.
 */
public final class H2StoredDigests {
    private static final System.Logger LOG = System.getLogger(H2StoredDigests.class.getName());

    private final Database database;

    public H2StoredDigests(Database database) {
        this.database = database;
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
     * Removes, in every repository, the links to {@code digest} (giving back their usage) and the manifests
     * stored under it with their tags and references.
     *
     * @return how many links and manifests were removed
     */
    public int forget(Digest digest) {
        return database.transaction(c -> {
            int removed = 0;
            for (RepositoryRows.Row row : Database.queryList(c, "SELECT r.id, r.registry_id FROM blob_links b "
                    + "JOIN repositories r ON r.id = b.repository_id WHERE b.digest = ?", RepositoryRows::read, digest.value())) {
                removed += H2BlobLinkStore.unlink(c, row, digest.value()) ? 1 : 0;
            }
            for (long id : Database.queryList(c, "SELECT repository_id FROM manifests WHERE digest = ?",
                    rs -> rs.getLong(1), digest.value())) {
                removed += H2ManifestStore.deleteRows(c, id, digest.value());
            }
            return removed;
        });
    }
}
