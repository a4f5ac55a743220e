package dev.berth.core.usage;

import dev.berth.core.listing.Listing;
import dev.berth.core.listing.PageRequest;

import java.time.Instant;
import java.util.List;

/** Pull counters and the registries' history, written in batches. */
public interface UsageStore {
    /**
     * Counts pulls: each record adds its count to its artifact's and repository's {@code pull_count} and
     * sets the artifact's (and the tag's, when pulled by tag) {@code pulled_at} to its latest pull, unless
     * that is later already. Pulls of artifacts deleted since are still counted on the repository.
     */
    void recordPulls(List<PullRecord> pulls);

    void appendHistory(List<HistoryEvent> events);

    /** A registry's events, newest first; {@code action} filters when not null. */
    Listing<HistoryEvent> history(String registry, String action, PageRequest page);

    /**
     * Deletes, in one short transaction, at most {@code limit} of the oldest history events that happened
     * before {@code before}, in any registry; returns how many. Pull counters and {@code pulled_at} are not
     * history and stay.
     */
    int pruneHistory(Instant before, int limit);
}
