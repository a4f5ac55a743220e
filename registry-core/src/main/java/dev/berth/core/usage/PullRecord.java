package dev.berth.core.usage;

import dev.berth.core.digest.Digest;
import dev.berth.core.name.RepositoryName;

import java.time.Instant;

/**
 * Successful manifest GETs of one artifact through one tag ({@code tag} null: by digest), to be counted:
 * how many, and when the latest was.
 */
public record PullRecord(RepositoryName repository, Digest digest, String tag, long count, Instant latest) {
}
