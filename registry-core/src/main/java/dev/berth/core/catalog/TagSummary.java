package dev.berth.core.catalog;

import java.time.Instant;

/** A tag of an artifact; {@code pulledAt} is null until it is pulled through the tag. */
public record TagSummary(String name, Instant pushedAt, Instant pulledAt) {
}
