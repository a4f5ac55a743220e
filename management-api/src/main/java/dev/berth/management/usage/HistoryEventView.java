package dev.berth.management.usage;

import dev.berth.core.usage.HistoryEvent;
import dev.berth.management.json.Timestamps;

/**
 * One history event of the contract.
 *
 * @param repository the repository's name within the registry
 * @param reference the tag or digest the client named; null for a repository deletion
 * @param digest the manifest's digest; null for a repository deletion
 */
record HistoryEventView(String time, String action, String repository, String reference, String digest, long bytes,
                        String actor) {
    static HistoryEventView of(HistoryEvent event) {
        return new HistoryEventView(Timestamps.format(event.time()), event.action(), event.repository(), event.reference(),
                event.digest(), event.bytes(), event.actor());
    }
}
