package dev.berth.core.gc;

import dev.berth.core.blob.StoredBlobFile;
import dev.berth.core.digest.Digest;
import dev.berth.core.metadata.BlobLink;
import dev.berth.core.metadata.ManifestRecord;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.testing.StoreContract;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The contract of {@link GarbageStore}, with the candidates the blob link store's writes leave: every
 * implementation runs it. The locking argument itself is tested with latches by each implementation (it needs
 * a hook inside the transaction); this is what any order of calls must give.
 */
public abstract class GarbageStoreContract extends StoreContract {
    private static final RepositoryName APP = RepositoryName.parse("acme/app");
    private static final RepositoryName WEB = RepositoryName.parse("acme/web");
    private static final RepositoryName BETA = RepositoryName.parse("beta/app");

    private final List<Digest> removed = new ArrayList<>();

    @BeforeEach
    void createRegistries() {
        createRegistry("acme");
        createRegistry("beta");
    }

    @Test
    void aBlobBecomesACandidateWhenItsLastLinkAnywhereGoesAndIsCollectedOnceDue() {
        link(APP, digest("layer"), 100);
        link(BETA, digest("layer"), 100);

        metadata.blobLinks().unlinkBlob(APP, digest("layer"));
        assertThat(garbage.candidates()).as("still linked in another registry").isZero();
        metadata.blobLinks().unlinkBlob(BETA, digest("layer"));
        assertThat(garbage.candidates()).isEqualTo(1);

        assertThat(garbage.collect(NOW, 100, removed::addAll).examined()).as("unlinked after the cut-off").isZero();
        assertThat(garbage.countDue(NOW.plusSeconds(1))).isEqualTo(new GarbageStore.Due(1, 100));
        GarbageStore.Collected collected = garbage.collect(NOW.plusSeconds(1), 100, removed::addAll);

        assertThat(collected).isEqualTo(new GarbageStore.Collected(1, 1, 100));
        assertThat(removed).containsExactly(digest("layer"));
        assertThat(garbage.candidates()).isZero();
        assertThat(garbage.unrecorded(List.of(digest("layer")))).containsExactly(digest("layer"));
    }

    @Test
    void deletingARepositoryOrARegistryMakesCandidatesOfWhatOnlyItLinked() {
        link(APP, digest("app only"), 1);
        link(APP, digest("shared"), 2);
        link(WEB, digest("shared"), 2);
        link(BETA, digest("beta only"), 3);

        metadata.repositories().deleteRepository(APP);
        tenants.delete("beta");

        assertThat(garbage.countDue(NOW.plusSeconds(1))).isEqualTo(new GarbageStore.Due(2, 4));
    }

    @Test
    void linkingACandidateAgainTakesItBackWhenItsFileIsThere() {
        link(APP, digest("layer"), 100);
        metadata.blobLinks().unlinkBlob(APP, digest("layer"));

        assertThat(metadata.blobLinks().linkBlobs(List.of(new BlobLink(WEB, digest("layer"), 100)), d -> true)).isEmpty();

        assertThat(garbage.candidates()).isZero();
        assertThat(garbage.collect(NOW.plusSeconds(1), 100, removed::addAll).examined()).isZero();
    }

    @Test
    void aLinkOfABlobWhoseFileIsGoneIsRefusedAndLinksNothing() {
        link(APP, digest("layer"), 100);
        metadata.blobLinks().unlinkBlob(APP, digest("layer"));
        BlobLink again = new BlobLink(WEB, digest("layer"), 100);
        BlobLink fresh = new BlobLink(WEB, digest("never stored"), 5);
        BlobLink other = new BlobLink(WEB, digest("stored"), 7);

        List<BlobLink> gone = metadata.blobLinks().linkBlobs(List.of(again, fresh, other),
                d -> d.equals(digest("stored")));

        assertThat(gone).containsExactlyInAnyOrder(again, fresh);
        assertThat(metadata.blobLinks().linkedBlobSize(WEB, digest("layer"))).isEmpty();
        assertThat(metadata.blobLinks().linkedBlobSize(WEB, digest("never stored"))).isEmpty();
        assertThat(metadata.blobLinks().linkedBlobSize(WEB, digest("stored"))).hasValue(7);
        assertThat(used("acme")).isEqualTo(7);
        assertThat(garbage.unrecorded(List.of(digest("never stored")))).containsExactly(digest("never stored"));
    }

    @Test
    void aLinkOfABlobLinkedElsewhereDoesNotAskForItsFile() {
        link(APP, digest("layer"), 100);

        assertThat(metadata.blobLinks().linkBlobs(List.of(new BlobLink(BETA, digest("layer"), 100)), d -> false)).isEmpty();
        assertThat(metadata.blobLinks().linkedBlobSize(BETA, digest("layer"))).hasValue(100);
    }

    @Test
    void aRemovalThatFailsLeavesTheCandidates() {
        link(APP, digest("layer"), 100);
        metadata.blobLinks().unlinkBlob(APP, digest("layer"));

        assertThatThrownBy(() -> garbage.collect(NOW.plusSeconds(1), 100, digests -> {
            throw new IllegalStateException("disk gone");
        })).hasMessageContaining("disk gone");

        assertThat(garbage.candidates()).isEqualTo(1);
    }

    @Test
    void filesNothingAccountsForAreRecordedAsCandidatesAndCollected() {
        link(APP, digest("linked"), 1);
        StoredBlobFile orphan = new StoredBlobFile(digest("orphan"), 9, NOW.minus(Duration.ofDays(1)));

        assertThat(garbage.unrecorded(List.of(digest("linked"), digest("orphan")))).containsExactly(digest("orphan"));
        garbage.recordOrphans(List.of(orphan, new StoredBlobFile(digest("linked"), 1, NOW.minus(Duration.ofDays(1)))));

        assertThat(garbage.unrecorded(List.of(digest("orphan")))).isEmpty();
        assertThat(garbage.collect(NOW, 100, removed::addAll).freed()).isEqualTo(1);
        assertThat(removed).containsExactly(digest("orphan"));
        assertThat(metadata.blobLinks().linkedBlobSize(APP, digest("linked"))).hasValue(1);
    }

    @Test
    void deletesTheUntaggedManifestsNothingKeepsAndMakesCandidatesOfTheirBlobs() {
        Instant old = NOW.minus(Duration.ofDays(1));
        clock.set(old);
        link(APP, digest("orphan layer"), 10);
        link(APP, digest("kept layer"), 20);
        manifest(digest("orphan"), List.of(digest("orphan layer")), null, old, null);
        manifest(digest("tagged"), List.of(digest("kept layer")), "v1", old, null);
        manifest(digest("signature"), List.of(), null, old, digest("tagged"));
        clock.set(NOW);

        assertThat(garbage.deleteUntagged(APP, NOW, true)).isEqualTo(1);
        assertThat(metadata.manifests().manifest(APP, digest("orphan"))).as("a dry run").isPresent();
        assertThat(garbage.deleteUntagged(APP, NOW, false)).isEqualTo(1);

        assertThat(metadata.manifests().manifest(APP, digest("orphan"))).isEmpty();
        assertThat(metadata.manifests().manifest(APP, digest("signature"))).isPresent();
        assertThat(metadata.blobLinks().linkedBlobSize(APP, digest("orphan layer"))).isEmpty();
        assertThat(metadata.blobLinks().linkedBlobSize(APP, digest("orphan"))).isEmpty();
        assertThat(metadata.blobLinks().linkedBlobSize(APP, digest("kept layer"))).hasValue(20);
        assertThat(garbage.countDue(NOW.plusSeconds(1)).blobs()).isEqualTo(2);
        assertThat(garbage.deleteUntagged(RepositoryName.parse("acme/none"), NOW, false)).isZero();
    }

    /** Links a manifest's own bytes and records it, as a push does. */
    private void manifest(Digest digest, List<Digest> references, String tag, Instant pushedAt, Digest subject) {
        link(APP, digest, 1);
        put(APP, new ManifestRecord(digest, "application/vnd.oci.image.manifest.v1+json", 1, references, subject, null,
                Map.of(), pushedAt), tag);
    }
}
