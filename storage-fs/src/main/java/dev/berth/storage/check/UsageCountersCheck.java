package dev.berth.storage.check;

import dev.berth.storage.meta.H2UsageCounters;

import java.util.ArrayList;
import java.util.List;

/**
 * The check of the registries' usage counters against the blob links they count (see {@link H2UsageCounters}).
 * Repairing recounts every counter from the links in one transaction: the links are what the registry serves,
 * the counters only a sum of them. It runs last, after the other repairs have dropped links.
 */
final class UsageCountersCheck {
    private static final String RECOUNTED = "recounted from the links";

    private final H2UsageCounters counters;

    UsageCountersCheck(H2UsageCounters counters) {
        this.counters = counters;
    }

    void run(FindingTally tally, boolean repair) {
        List<Finding> found = new ArrayList<>();
        for (H2UsageCounters.BlobCount count : counters.blobCountsInDisagreement()) {
            found.add(Finding.of(Finding.Kind.USAGE_MISMATCH, "registry " + count.registry() + ", blob "
                    + count.digest() + ": counted as " + links(count.countedLinks(), count.countedSize())
                    + ", the links hold " + links(count.links(), count.size())));
        }
        for (H2UsageCounters.UsedBytes used : counters.usedBytesInDisagreement()) {
            found.add(Finding.of(Finding.Kind.USAGE_MISMATCH, "registry " + used.registry() + ": storage used is "
                    + used.recorded() + " bytes, its links add up to " + used.fromLinks() + " bytes"));
        }
        if (repair && !found.isEmpty()) {
            counters.recountFromLinks();
        }
        found.forEach(finding -> tally.add(repair ? finding.repairedBy(RECOUNTED) : finding));
    }

    private static String links(long links, long size) {
        return links == 0 ? "no link" : links + (links == 1 ? " link" : " links") + " of " + size + " bytes";
    }
}
