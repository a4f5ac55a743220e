package dev.berth.management.artifact;

import dev.berth.core.catalog.ArtifactSummary;
import dev.berth.core.catalog.TagSummary;
import dev.berth.management.json.Timestamps;

import java.util.List;

/**
 * The artifact object of the contract.
 *
 * @param size the manifest plus every blob it references (for an index, its children's likewise)
 * @param pulledAt null until it is pulled
 */
record ArtifactView(String digest, String mediaType, long size, long pullCount, String pushedAt, String pulledAt,
                    List<TagView> tags) {
    /** A tag of the artifact; {@code pulled_at} is null until it is pulled through this tag. */
    record TagView(String name, String pushedAt, String pulledAt) {
        static TagView of(TagSummary tag) {
            return new TagView(tag.name(), Timestamps.format(tag.pushedAt()), Timestamps.format(tag.pulledAt()));
        }
    }

    ArtifactView {
        tags = List.copyOf(tags);
    }

    static ArtifactView of(ArtifactSummary artifact) {
        return new ArtifactView(artifact.digest().value(), artifact.mediaType(), artifact.size(), artifact.pullCount(),
                Timestamps.format(artifact.pushedAt()), Timestamps.format(artifact.pulledAt()),
                artifact.tags().stream().map(TagView::of).toList());
    }
}
