package dev.berth.storage.check;

import dev.berth.core.digest.Digest;
import dev.berth.storage.meta.H2StoredDigests;

import java.util.List;

/**
 * The metadata records that name a blob (its links, and the manifests stored under it), as the report
 * describes them and a repair drops them.
 */
final class DigestRecords {
    private final H2StoredDigests digests;

    DigestRecords(H2StoredDigests digests) {
        this.digests = digests;
    }

    /** The repositories that link {@code digest} or store a manifest under it; empty when nothing records it. */
    List<String> repositoriesNaming(Digest digest) {
        return digests.repositoriesNaming(digest);
    }

    /** Where {@code repositories} ({@link #repositoriesNaming}) record a blob, for a finding's description. */
    static String describe(List<String> repositories) {
        return repositories.isEmpty() ? "no repository records it"
                : "recorded in " + String.join(", ", repositories);
    }

    /**
     * Drops every link and manifest (with its tags) naming {@code digest}, giving the links' usage back to
     * their registries; says what it dropped, for a repair's report.
     */
    String drop(Digest digest) {
        int removed = digests.forget(digest);
        return "dropped " + removed + (removed == 1 ? " link or manifest" : " links and manifests") + " naming it";
    }
}
