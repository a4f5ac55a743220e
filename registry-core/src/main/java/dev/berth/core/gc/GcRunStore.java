package dev.berth.core.gc;

import dev.berth.core.listing.Listing;
import dev.berth.core.listing.PageRequest;

import java.time.Instant;
import java.util.Optional;

/**
 * The collections' record, shared by every node of a cluster, and the lease that lets one node collect at a
 * time. A node holds the lease until the time it last set, and renews it while its run goes on; a node that
 * stops (a crash included) stops renewing, and once the lease has expired another node, or the same one
 * restarted, may take it.
 */
public interface GcRunStore {
    /**
     * Takes the lease for {@code node} until {@code leaseUntil} and records {@code run}, in one transaction, when
     * the lease is free, expired or already the node's own; runs left {@code running} by an earlier holder are
     * marked failed then (their node stopped). Empty when another node holds a live lease.
     */
    Optional<GcRun> start(GcRun run, String node, Instant now, Instant leaseUntil);

    /** Extends the node's lease for its run; false when the node no longer holds it (it expired and was taken). */
    boolean renew(String node, String runId, Instant leaseUntil);

    /** Records the run's progress or outcome; a finished run also gives the node's lease back. */
    void save(GcRun run, String node);

    Optional<GcRun> find(String id);

    /** Runs, newest first. */
    Listing<GcRun> list(PageRequest page);

    /** When the newest run started, on any node; empty when none ever did. */
    Optional<Instant> lastStarted();
}
