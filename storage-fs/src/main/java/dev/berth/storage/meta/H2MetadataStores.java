package dev.berth.storage.meta;

import dev.berth.core.metadata.MetadataStores;

import java.time.Clock;

/** Opens the four metadata ports over one {@link Database}, which share its transactions and tables. */
public final class H2MetadataStores {
    private H2MetadataStores() {
    }

    /** The ports over {@code database}, which the caller closes; {@code clock} stamps links and repositories. */
    public static MetadataStores over(Database database, Clock clock) {
        return new MetadataStores(new H2RepositoryStore(database, clock), new H2BlobLinkStore(database, clock),
                new H2ManifestStore(database, clock), new H2TagStore(database, clock));
    }
}
