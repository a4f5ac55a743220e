package dev.berth.core.usage;

import dev.berth.core.digest.Digest;
import dev.berth.core.name.RepositoryName;

import java.time.Instant;

/** One successful manifest GET, to be counted: {@code tag} is null when it was fetched by digest. */
public record PullRecord(RepositoryName repository, Digest digest, String tag, Instant at) {
}
