package dev.berth.storage.check;

import dev.berth.core.blob.BlobStore;
import dev.berth.core.digest.Digest;
import dev.berth.storage.meta.H2StoredDigests;

import java.io.IOException;
import java.util.Comparator;
import java.util.List;

/**
 * The check of the records against {@code blobs/}: the digests that links and manifests name but whose blob
 * file is missing. Repairing drops those links and manifests, as startup recovery would: the registry could
 * never serve them, and a client can push the content again.
 */
final class MissingBlobsCheck {
    private final H2StoredDigests digests;
    private final BlobStore blobs;
    private final DigestRecords records;

    MissingBlobsCheck(H2StoredDigests digests, BlobStore blobs, DigestRecords records) {
        this.digests = digests;
        this.blobs = blobs;
        this.records = records;
    }

    void run(FindingTally tally, boolean repair) throws IOException {
        List<Digest> missing = digests.missingFrom(blobs);
        // In digest order, as the blob files were: reports read the same from run to run.
        missing.sort(Comparator.comparing(Digest::value));
        for (Digest digest : missing) {
            Finding found = Finding.of(Finding.Kind.MISSING_BLOB, digest + " has no blob file; "
                    + DigestRecords.describe(records.repositoriesNaming(digest)));
            tally.add(repair ? found.repairedBy(records.drop(digest)) : found);
        }
    }
}
