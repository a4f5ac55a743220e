package dev.berth.core.metadata;

import java.util.List;

/**
 * What {@link BlobLinkStore#commitLinks} committed: the links it could not make because their blob is gone, and
 * the wait for the others to be durable.
 */
public record LinkCommit(List<BlobLink> gone, Durable durable) {
    public LinkCommit {
        gone = List.copyOf(gone);
    }
}
