package dev.berth.core.usage;

import dev.berth.core.listing.Listing;
import dev.berth.core.listing.PageRequest;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * Pull counters, the registries' history and their daily usage, written in batches.
 *
 * <p>Daily usage is one row per registry and UTC day ({@link DailyUsage}), added to by the same batches that
 * write pull counts and history (in the same transaction, so that a day's counts and the counters it adds to
 * never disagree), by the recorder's tallies of uploaded bytes, and by a storage sample the recorder asks for
 * about once a minute. A write about a registry that does not exist (deleted since) is skipped.
 */
public interface UsageStore {
    /**
     * Counts pulls: each record adds its count to its artifact's and repository's {@code pull_count} and
     * sets the artifact's (and the tag's, when pulled by tag) {@code pulled_at} to its latest pull, unless
     * that is later already. Pulls of artifacts deleted since are still counted on the repository. In the same
     * transaction each record's count is added to the {@code pulls} of its registry on the UTC day of its
     * {@code latest}, the day all of its pulls happened (see {@link PullRecord}).
     */
    void recordPulls(List<PullRecord> pulls);

    /**
     * Appends the events to their registries' history and, in the same transaction, counts each push event in
     * the {@code pushes} of its registry on the UTC day of its time.
     */
    void appendHistory(List<HistoryEvent> events);

    /** Adds each record's bytes to the {@code bytes_pushed} of its registry and day, in one transaction. */
    void addUploadedBytes(List<UploadedBytes> uploads);

    /**
     * Samples every registry's {@code storage_used_bytes} into its row of {@code day}: writes it only where it
     * differs from the registry's latest sample on or before {@code day} (no sample counts as zero), so that a
     * registry whose usage does not change costs no write. Readers carry a sample forward until the next one.
     */
    void sampleStorage(LocalDate day);

    /**
     * The registry's daily rows from {@code from} to {@code to} inclusive, and its latest storage sample before
     * {@code from}; nothing for a registry that does not exist.
     */
    DailyUsageRows dailyUsage(String registry, LocalDate from, LocalDate to);

    /** A registry's events, newest first; {@code action} filters when not null. */
    Listing<HistoryEvent> history(String registry, String action, PageRequest page);

    /**
     * Deletes, in one short transaction, at most {@code limit} of the oldest history events that happened
     * before {@code before}, in any registry; returns how many. Pull counters and {@code pulled_at} are not
     * history and stay.
     */
    int pruneHistory(Instant before, int limit);
}
