package dev.berth.storage.check;

import dev.berth.core.digest.Digest;
import dev.berth.storage.blob.FileHashing;
import dev.berth.storage.blob.BlobDirectory;
import dev.berth.storage.layout.DataLayout;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.List;

/**
 * The check of {@code blobs/}: every blob file is re-hashed and its digest compared with its name; what is not
 * a blob at its address, and blob files that nothing records, are reported too.
 *
 * <p>Repairing moves corrupt files and whatever is not a blob to the {@link Quarantine}, then drops the links
 * and manifests that named a corrupt blob, as if it were missing: the registry stops serving bytes that are
 * not what was pushed, and a client can push them again. Unrecorded blobs stay: deleting blobs is garbage
 * collection's job, and they harm nothing meanwhile.
 */
final class BlobFilesCheck {
    private final DataLayout layout;
    private final DigestRecords records;

    BlobFilesCheck(DataLayout layout, DigestRecords records) {
        this.layout = layout;
        this.records = records;
    }

    /** Checks every entry; {@code quarantine} is null when only reporting. */
    void run(FindingTally tally, Quarantine quarantine) throws IOException {
        new BlobDirectory(layout).forEach(entry -> {
            if (entry.address() == null) {
                Finding found = Finding.of(Finding.Kind.STRAY_ENTRY, relative(entry.path())
                        + " is not a blob file at its address (blobs/sha256/<first 2 hex>/<64 hex>"
                        + " or blobs/sha512/<first 2 hex>/<128 hex>)");
                tally.add(quarantine == null ? found : found.repairedBy(moveTo(quarantine, entry.path())));
            } else {
                checkBlob(entry.path(), entry.address(), tally, quarantine);
            }
        });
    }

    private void checkBlob(Path file, Digest address, FindingTally tally, Quarantine quarantine) throws IOException {
        MessageDigest hash = address.newHash();
        long size;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            size = FileHashing.update(hash, channel);
        }
        tally.hashed(size);
        Digest content = Digest.of(address.algorithm(), hash.digest());
        List<String> repositories = records.repositoriesNaming(address);
        if (!content.equals(address)) {
            Finding found = Finding.of(Finding.Kind.CORRUPT_BLOB, relative(file) + " holds " + size
                    + " bytes that hash to " + content + "; " + DigestRecords.describe(repositories));
            if (quarantine != null) {
                String moved = moveTo(quarantine, file);
                found = found.repairedBy(repositories.isEmpty() ? moved : moved + "; " + records.drop(address));
            }
            tally.add(found);
        } else if (repositories.isEmpty()) {
            tally.add(Finding.of(Finding.Kind.UNRECORDED_BLOB, address + " (" + size
                    + " bytes) is linked in no repository and no manifest is stored under it; left in place"));
        }
    }

    private String moveTo(Quarantine quarantine, Path entry) throws IOException {
        return "moved to " + relative(quarantine.move(entry));
    }

    private String relative(Path path) {
        return layout.root().relativize(path).toString();
    }
}
