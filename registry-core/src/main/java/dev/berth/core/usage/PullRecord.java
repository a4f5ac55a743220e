package dev.berth.core.usage;

import dev.berth.core.digest.Digest;
import dev.berth.core.name.RepositoryName;

import java.time.Instant;

/**
 * Successful manifest GETs of one artifact through one tag ({@code tag} null: by digest), to be counted:
 * how many, and when the latest was. All of them happened on the UTC day of {@code latest}: the recorder keeps
 * a tally per day, so that a store can count them in that day's {@link DailyUsage#pulls()}.
 */
public record PullRecord(RepositoryName repository, Digest digest, String tag, long count, Instant latest) {
}
