package dev.berth.storage.meta;

import java.io.IOException;
import java.util.Optional;

/**
 * Which blobs the metadata belongs to, recorded in its settings ({@code blob_store}): metadata opened with another
 * blob store would find none of its blobs there, and startup recovery would drop every link as dangling. The first
 * start records the store; every later one must name the same. Metadata from before the record, holding links,
 * belongs to the data directory's blobs ({@code fs}), the only store there was.
 */
public final class BlobStoreBinding {
    static final String SETTING = "blob_store";

    private BlobStoreBinding() {
    }

    /**
     * Records {@code identity} as the metadata's blob store, or checks that it is the one recorded.
     *
     * @throws MetadataMismatchException when the metadata belongs to other blobs; the message names both
     */
    public static void bind(Database database, String identity) throws IOException {
        H2UserStore settings = new H2UserStore(database);
        Optional<String> recorded = settings.setting(SETTING).or(() -> database.transaction(c ->
                Database.queryLong(c, "SELECT 1 FROM blob_links FETCH FIRST 1 ROWS ONLY") == null
                        ? Optional.<String>empty() : Optional.of("fs")));
        if (recorded.isPresent() && !recorded.get().equals(identity)) {
            throw new MetadataMismatchException("the metadata belongs to the blobs in " + recorded.get()
                    + ", not to " + identity + ": start with the blob store it was used with");
        }
        settings.putSetting(SETTING, identity);
    }
}
