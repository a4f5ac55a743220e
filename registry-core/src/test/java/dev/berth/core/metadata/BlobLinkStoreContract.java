package dev.berth.core.metadata;

import dev.berth.core.digest.Digest;
import dev.berth.core.error.OciErrorCode;
import dev.berth.core.name.RepositoryName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every {@link BlobLinkStore} does, registry usage accounting included; an implementation's test
 * extends this with its {@link #open}.
 */
public abstract class BlobLinkStoreContract extends MetadataContract {
    private BlobLinkStore links() {
        return metadata.blobLinks();
    }

    @Test
    void linksBlobsIntoARepositoryIdempotently() {
        Digest layer = digest("layer");

        link(ALPINE, layer, 42);
        link(ALPINE, layer, 42);

        assertThat(links().linkedBlobSize(ALPINE, layer)).hasValue(42);
        assertThat(links().linkedBlobSize(BUSYBOX, layer)).isEmpty();
        assertThat(used("library")).isEqualTo(42);
    }

    @Test
    void linksABatchInOneCall() {
        links().linkBlobs(List.of(new BlobLink(ALPINE, digest("a"), 1), new BlobLink(ACME_APP, digest("b"), 2),
                new BlobLink(ALPINE, digest("c"), 3)), d -> true);

        assertThat(links().linkedBlobSize(ALPINE, digest("a"))).hasValue(1);
        assertThat(links().linkedBlobSize(ACME_APP, digest("b"))).hasValue(2);
        assertThat(links().linkedBlobSize(ALPINE, digest("c"))).hasValue(3);
        assertThat(used("library")).isEqualTo(4);
        assertThat(used("acme")).isEqualTo(2);
    }

    @Test
    void namesTheFirstRepositoryByNameLinkingABlob() {
        Digest layer = digest("layer");
        link(BUSYBOX, layer, 1);
        link(ALPINE, layer, 1);

        assertThat(links().anyRepositoryLinking(layer)).contains(ALPINE);
        assertThat(links().anyRepositoryLinking(digest("other"))).isEmpty();
    }

    @Test
    void unlinksABlob() {
        Digest layer = digest("layer");
        link(ALPINE, layer, 1);

        assertThat(links().unlinkBlob(ALPINE, layer)).isTrue();
        assertThat(links().unlinkBlob(ALPINE, layer)).isFalse();
        assertThat(links().unlinkBlob(BUSYBOX, layer)).isFalse();
        assertThat(links().linkedBlobSize(ALPINE, layer)).isEmpty();
        assertThat(links().anyRepositoryLinking(layer)).isEmpty();
    }

    @Test
    void linksNothingIntoARegistryThatDoesNotExist() {
        RepositoryName orphan = RepositoryName.parse("acmex/app");

        assertOci(() -> links().linkBlobs(List.of(new BlobLink(ALPINE, digest("kept out"), 1),
                new BlobLink(orphan, digest("layer"), 100)), d -> true), OciErrorCode.NAME_UNKNOWN);

        assertThat(metadata.repositories().repositoryExists(orphan)).isFalse();
        assertThat(links().linkedBlobSize(ALPINE, digest("kept out"))).isEmpty();
        createRegistry("acmex");
        assertThat(metadata.repositories().repositoryExists(orphan)).isFalse();
        assertThat(used("acmex")).isZero();
    }

    // --- registry usage accounting

    @Test
    void countsABlobLinkedIntoTwoRepositoriesOfOneRegistryOnce() {
        Digest layer = digest("layer");

        link(ACME_APP, layer, 100);
        link(ACME_WEB, layer, 100);
        link(ACME_WEB, layer, 100);
        link(ACME_APP, digest("config"), 7);
        link(BETA_APP, layer, 100);

        assertThat(used("acme")).isEqualTo(107);
        assertThat(used("beta")).isEqualTo(100);
        assertThat(links().registryLinksBlob("acme", layer)).isTrue();
        assertThat(links().registryLinksBlob("beta", digest("config"))).isFalse();
        assertThat(links().registryLinksBlob("nobody", layer)).isFalse();
    }

    @Test
    void keepsABlobCountedUntilItsLastLinkInTheRegistryGoes() {
        Digest layer = digest("layer");
        link(ACME_APP, layer, 100);
        link(ACME_WEB, layer, 100);

        assertThat(links().unlinkBlob(ACME_APP, layer)).isTrue();
        assertThat(used("acme")).isEqualTo(100);
        assertThat(links().registryLinksBlob("acme", layer)).isTrue();
        assertThat(links().unlinkBlob(ACME_APP, layer)).isFalse();
        assertThat(used("acme")).isEqualTo(100);

        assertThat(links().unlinkBlob(ACME_WEB, layer)).isTrue();
        assertThat(used("acme")).isZero();
        assertThat(links().registryLinksBlob("acme", layer)).isFalse();

        link(ACME_WEB, layer, 100);
        assertThat(used("acme")).isEqualTo(100);
    }

    @Test
    void countsABlobOnceUnderConcurrentFirstLinksIntoOneRegistry() throws Exception {
        int threads = 8;
        Digest layer = digest("shared layer");

        concurrently(threads, i -> {
            RepositoryName repository = RepositoryName.parse("acme/repo" + i);
            link(repository, layer, 1000);
            link(repository, digest("own " + repository), 1);
        });

        assertThat(used("acme")).isEqualTo(1000 + threads);
        for (int i = 0; i < threads; i++) {
            links().unlinkBlob(RepositoryName.parse("acme/repo" + i), layer);
        }
        assertThat(used("acme")).isEqualTo(threads);
    }

    @Test
    void unlinksOnlyUnreferencedBlobsLinkedBeforeTheCutOff() {
        ManifestRecord kept = new ManifestRecord(digest("kept"), IMAGE_MANIFEST, 4,
                List.of(digest("config"), digest("layer 1")), null, null, Map.of(), NOW);
        ManifestRecord deleted = new ManifestRecord(digest("deleted"), IMAGE_MANIFEST, 8,
                List.of(digest("config"), digest("layer 2")), null, null, Map.of(), NOW);
        link(ACME_APP, digest("config"), 10);
        link(ACME_APP, digest("layer 1"), 100);
        link(ACME_APP, digest("layer 2"), 200);
        link(ACME_APP, digest("orphan"), 1000);
        link(ACME_APP, digest("refreshed"), 2000);
        link(ACME_APP, kept.digest(), 4);
        link(ACME_APP, deleted.digest(), 8);
        put(ACME_APP, kept, "latest");
        put(ACME_APP, deleted, null);
        link(ACME_WEB, digest("layer 2"), 200);
        clock.advance(Duration.ofHours(2));
        Instant cutOff = clock.instant();
        link(ACME_APP, digest("fresh"), 5000);
        link(ACME_APP, digest("refreshed"), 2000);
        assertThat(metadata.manifests().deleteManifest(ACME_APP, deleted.digest())).isTrue();
        assertThat(used("acme")).isEqualTo(10 + 100 + 200 + 1000 + 2000 + 4 + 8 + 5000);

        List<Digest> unlinked = links().unlinkUnreferencedBlobs(ACME_APP, cutOff, null);

        assertThat(unlinked).containsExactlyInAnyOrder(digest("layer 2"), digest("orphan"), deleted.digest());
        assertThat(links().linkedBlobSize(ACME_APP, digest("config"))).hasValue(10);
        assertThat(links().linkedBlobSize(ACME_APP, digest("layer 1"))).hasValue(100);
        assertThat(links().linkedBlobSize(ACME_APP, kept.digest())).hasValue(4);
        assertThat(links().linkedBlobSize(ACME_APP, digest("fresh"))).hasValue(5000);
        assertThat(links().linkedBlobSize(ACME_APP, digest("refreshed"))).hasValue(2000);
        assertThat(links().linkedBlobSize(ACME_APP, digest("layer 2"))).isEmpty();
        assertThat(links().linkedBlobSize(ACME_WEB, digest("layer 2"))).hasValue(200);
        // layer 2 is still linked in acme/team/web, so only the orphan and the deleted manifest are given back.
        assertThat(used("acme")).isEqualTo(10 + 100 + 200 + 2000 + 4 + 5000);
        assertThat(links().unlinkUnreferencedBlobs(ACME_APP, cutOff, null)).isEmpty();
        assertThat(links().unlinkUnreferencedBlobs(RepositoryName.parse("acme/none"), cutOff, null)).isEmpty();
    }
}
