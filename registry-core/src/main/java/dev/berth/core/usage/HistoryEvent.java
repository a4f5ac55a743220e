package dev.berth.core.usage;

import java.time.Instant;

/**
 * One entry of a registry's history.
 *
 * @param action {@code push}, {@code pull} or {@code delete}
 * @param repository the repository's name within the registry
 * @param reference the tag or digest the client named, or null
 * @param digest the manifest's digest, or null for a repository deletion
 * @param actor who did it: {@code admin}, a user's name, or {@code anonymous}
 */
public record HistoryEvent(Instant time, String registry, String action, String repository, String reference,
                           String digest, long bytes, String actor) {
}
