package dev.berth.storage.meta;

import dev.berth.core.gc.GcRun;
import dev.berth.core.gc.GcRunStore;
import dev.berth.core.gc.GcState;
import dev.berth.core.listing.Listing;
import dev.berth.core.listing.PageRequest;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The collections' record in the {@link Database}: {@code gc_runs}, and the one-row {@code gc_lease} whose row
 * lock orders two nodes that try to start a run at once.
 */
public final class H2GcRunStore implements GcRunStore {
    private static final String COLUMNS = "id, state, dry_run, untagged, started_at, finished_at, blobs_deleted, "
            + "bytes_freed, manifests_deleted, uploads_deleted, error";

    private final Database database;

    public H2GcRunStore(Database database) {
        this.database = database;
    }

    @Override
    public Optional<GcRun> start(GcRun run, String node, Instant now, Instant leaseUntil) {
        return database.transaction(c -> {
            List<Lease> lease = Database.queryList(c, "SELECT holder, run_id, expires_at FROM gc_lease "
                    + "WHERE lease_id = 1 FOR UPDATE", rs -> new Lease(rs.getString(1), rs.getString(2),
                    Database.instant(rs, "expires_at")));
            Lease current = lease.get(0);
            if (current.holder() != null && !current.holder().equals(node) && current.expiresAt().isAfter(now)) {
                return Optional.<GcRun>empty();
            }
            // Whatever is still marked running stopped with its node: this node holds the lease now.
            Database.update(c, "UPDATE gc_runs SET state = ?, finished_at = ?, error = ? WHERE state = ?",
                    GcState.FAILED.wireName(), now, "interrupted: its node stopped before the run finished",
                    GcState.RUNNING.wireName());
            Database.update(c, "UPDATE gc_lease SET holder = ?, run_id = ?, expires_at = ? WHERE lease_id = 1",
                    node, run.id(), leaseUntil);
            Database.update(c, "INSERT INTO gc_runs (" + COLUMNS + ", node) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    run.id(), run.state().wireName(), run.dryRun(), run.untagged(), run.startedAt(), run.finishedAt(),
                    run.blobsDeleted(), run.bytesFreed(), run.manifestsDeleted(), run.uploadsDeleted(), run.error(), node);
            return Optional.of(run);
        });
    }

    @Override
    public boolean renew(String node, String runId, Instant leaseUntil) {
        return database.transaction(c -> Database.update(c, "UPDATE gc_lease SET expires_at = ? "
                + "WHERE lease_id = 1 AND holder = ? AND run_id = ?", leaseUntil, node, runId) == 1);
    }

    @Override
    public void save(GcRun run, String node) {
        database.transaction(c -> {
            Database.update(c, "UPDATE gc_runs SET state = ?, finished_at = ?, blobs_deleted = ?, bytes_freed = ?, "
                    + "manifests_deleted = ?, uploads_deleted = ?, error = ? WHERE id = ?", run.state().wireName(),
                    run.finishedAt(), run.blobsDeleted(), run.bytesFreed(), run.manifestsDeleted(),
                    run.uploadsDeleted(), run.error(), run.id());
            if (run.state() != GcState.RUNNING) {
                Database.update(c, "UPDATE gc_lease SET holder = NULL, run_id = NULL WHERE lease_id = 1 "
                        + "AND holder = ? AND run_id = ?", node, run.id());
            }
            return null;
        });
    }

    @Override
    public Optional<GcRun> find(String id) {
        return database.transaction(c -> Database.queryList(c, "SELECT " + COLUMNS + " FROM gc_runs WHERE id = ?",
                H2GcRunStore::read, id).stream().findFirst());
    }

    @Override
    public Listing<GcRun> list(PageRequest page) {
        return database.transaction(c -> new PagedQuery("gc_runs")
                .list(c, COLUMNS, "started_at DESC, id DESC", page, H2GcRunStore::read));
    }

    @Override
    public Optional<Instant> lastStarted() {
        return database.transaction(c -> Database.queryList(c, "SELECT started_at FROM gc_runs "
                + "ORDER BY started_at DESC FETCH FIRST 1 ROWS ONLY", rs -> Database.instant(rs, "started_at"))
                .stream().findFirst());
    }

    private record Lease(String holder, String runId, Instant expiresAt) {
    }

    private static GcRun read(ResultSet rs) throws SQLException {
        return new GcRun(rs.getString("id"), GcState.parse(rs.getString("state")), rs.getBoolean("dry_run"),
                rs.getBoolean("untagged"), Database.instant(rs, "started_at"), Database.instant(rs, "finished_at"),
                rs.getLong("blobs_deleted"), rs.getLong("bytes_freed"), rs.getLong("manifests_deleted"),
                rs.getLong("uploads_deleted"), rs.getString("error"));
    }
}
