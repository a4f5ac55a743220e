package dev.berth.core.catalog;

import dev.berth.core.digest.Digest;
import dev.berth.core.listing.Listing;
import dev.berth.core.listing.PageRequest;
import dev.berth.core.metadata.ManifestRecord;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.testing.StoreContract;
import dev.berth.core.usage.PullRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every {@link CatalogStore} shows of what the metadata and usage ports wrote: repositories and artifacts
 * with their counts, sizes, tags and pull counters. An implementation's test extends this with its
 * {@link #open}. The registries {@code acme} and {@code other} exist when a case starts.
 */
public abstract class CatalogStoreContract extends StoreContract {
    private static final String IMAGE = "application/vnd.oci.image.manifest.v1+json";
    private static final String INDEX = "application/vnd.oci.image.index.v1+json";
    private static final RepositoryName APP = RepositoryName.parse("acme/app");

    @BeforeEach
    void createRegistries() {
        createRegistry("acme");
        createRegistry("other");
    }

    @Test
    void listsTheRepositoriesOfARegistryByFullNameFilteredWithinIt() {
        for (String name : List.of("acme/web", "acme/team/app", "acme/app", "acme/acme-tools", "other/app")) {
            link(RepositoryName.parse(name), digest(name), 1);
        }

        Listing<RepositorySummary> all = catalog.repositories("acme", new PageRequest(1, 3, null));
        assertThat(all.count()).isEqualTo(4);
        assertThat(all.results()).extracting(RepositorySummary::name)
                .containsExactly("acme/acme-tools", "acme/app", "acme/team/app");
        assertThat(catalog.repositories("acme", new PageRequest(2, 3, null)).results())
                .extracting(RepositorySummary::name).containsExactly("acme/web");

        Listing<RepositorySummary> apps = catalog.repositories("acme", new PageRequest(1, 10, "APP"));
        assertThat(apps.count()).isEqualTo(2);
        assertThat(apps.results()).extracting(RepositorySummary::name).containsExactly("acme/app", "acme/team/app");
        // The filter applies to the name within the registry, not to the registry's own name.
        assertThat(catalog.repositories("acme", new PageRequest(1, 10, "acme")).results())
                .extracting(RepositorySummary::name).containsExactly("acme/acme-tools");
        assertThat(catalog.repositories("acme", new PageRequest(1, 10, "/")).results())
                .extracting(RepositorySummary::name).containsExactly("acme/team/app");
        assertThat(catalog.repositories("nobody", new PageRequest(1, 10, null)).count()).isZero();
    }

    @Test
    void summarisesARepository() {
        ManifestRecord first = image("first", 50, digest("config"), digest("layer"));
        ManifestRecord second = image("second", 60, digest("config"));
        link(APP, digest("config"), 10);
        link(APP, digest("layer"), 100);
        link(APP, first.digest(), 50);
        link(APP, second.digest(), 60);
        clock.advance(Duration.ofMinutes(5));
        put(APP, first, "v1");
        put(APP, second, null);
        usage.recordPulls(List.of(new PullRecord(APP, first.digest(), "v1", 1, NOW),
                new PullRecord(APP, second.digest(), null, 1, NOW)));
        metadata.manifests().deleteManifest(APP, second.digest());
        usage.recordPulls(List.of(new PullRecord(APP, second.digest(), null, 1, NOW)));

        RepositorySummary summary = catalog.repository(APP).orElseThrow();

        assertThat(summary).isEqualTo(new RepositorySummary("acme/app", 1, 3, 10 + 100 + 50 + 60, NOW,
                NOW.plus(Duration.ofMinutes(5))));
        assertThat(catalog.repositories("acme", new PageRequest(1, 10, null)).results()).containsExactly(summary);
        assertThat(catalog.repository(RepositoryName.parse("acme/none"))).isEmpty();
    }

    @Test
    void listsArtifactsNewestFirstWithTheirTags() {
        ManifestRecord old = image("old", 1, Instant.parse("2025-01-01T00:00:00Z"));
        ManifestRecord newer = image("newer", 1, Instant.parse("2025-02-01T00:00:00Z"));
        ManifestRecord sameTimeA = image("same a", 1, Instant.parse("2025-03-01T00:00:00Z"));
        ManifestRecord sameTimeB = image("same b", 1, Instant.parse("2025-03-01T00:00:00Z"));
        put(APP, old, "v1");
        put(APP, newer, "v2");
        put(APP, newer, "latest");
        put(APP, sameTimeA, null);
        put(APP, sameTimeB, null);
        Instant pulled = Instant.parse("2025-03-02T00:00:00Z");
        usage.recordPulls(List.of(new PullRecord(APP, newer.digest(), "latest", 1, pulled)));

        Listing<ArtifactSummary> page = catalog.artifacts(APP, null, new PageRequest(1, 3, null));

        List<Digest> sameTime = List.of(sameTimeA.digest(), sameTimeB.digest()).stream()
                .sorted((a, b) -> a.value().compareTo(b.value())).toList();
        assertThat(page.count()).isEqualTo(4);
        assertThat(page.results()).extracting(ArtifactSummary::digest)
                .containsExactly(sameTime.get(0), sameTime.get(1), newer.digest());
        ArtifactSummary newest = page.results().get(2);
        assertThat(newest.pullCount()).isEqualTo(1);
        assertThat(newest.pulledAt()).isEqualTo(pulled);
        assertThat(newest.mediaType()).isEqualTo(IMAGE);
        assertThat(newest.pushedAt()).isEqualTo(newer.pushedAt());
        assertThat(newest.tags()).containsExactly(new TagSummary("latest", newer.pushedAt(), pulled),
                new TagSummary("v2", newer.pushedAt(), null));
        assertThat(page.results().get(0).tags()).isEmpty();
        assertThat(page.results().get(0).pulledAt()).isNull();
        assertThat(catalog.artifacts(APP, null, new PageRequest(2, 3, null)).results())
                .extracting(ArtifactSummary::digest).containsExactly(old.digest());
    }

    @Test
    void filtersArtifactsByExactTag() {
        ManifestRecord one = image("one", 1, NOW);
        ManifestRecord two = image("two", 1, NOW);
        put(APP, one, "v1");
        put(APP, two, "v10");

        Listing<ArtifactSummary> tagged = catalog.artifacts(APP, "v1", new PageRequest(1, 10, null));

        assertThat(tagged.count()).isEqualTo(1);
        assertThat(tagged.results()).extracting(ArtifactSummary::digest).containsExactly(one.digest());
        Listing<ArtifactSummary> none = catalog.artifacts(APP, "v", new PageRequest(1, 10, null));
        assertThat(none.count()).isZero();
        assertThat(none.results()).isEmpty();
        assertThat(catalog.artifacts(RepositoryName.parse("acme/none"), null, new PageRequest(1, 10, null)).count()).isZero();
    }

    @Test
    void filtersArtifactsByASubstringOfATagOrOfTheDigestIgnoringCase() {
        ManifestRecord release = image("release", 1, NOW);
        ManifestRecord nightly = image("nightly", 1, NOW.plusSeconds(1));
        ManifestRecord untagged = image("untagged", 1, NOW.plusSeconds(2));
        put(APP, release, "v1.2-release");
        put(APP, release, "stable");
        put(APP, nightly, "nightly-2025");
        put(APP, untagged, null);

        assertThat(catalog.artifacts(APP, null, new PageRequest(1, 10, "RELEASE")).results())
                .extracting(ArtifactSummary::digest).containsExactly(release.digest());
        assertThat(catalog.artifacts(APP, null, new PageRequest(1, 10, "-")).results())
                .extracting(ArtifactSummary::digest).containsExactly(nightly.digest(), release.digest());
        String digestPart = untagged.digest().value().substring(20, 32).toUpperCase(java.util.Locale.ROOT);
        Listing<ArtifactSummary> byDigest = catalog.artifacts(APP, null, new PageRequest(1, 10, digestPart));
        assertThat(byDigest.count()).isEqualTo(1);
        assertThat(byDigest.results()).extracting(ArtifactSummary::digest).containsExactly(untagged.digest());
        assertThat(catalog.artifacts(APP, "stable", new PageRequest(1, 10, "nightly")).count()).isZero();
        assertThat(catalog.artifacts(APP, null, new PageRequest(1, 10, "none-such")).results()).isEmpty();
    }

    @Test
    void sizesAnImageAsItsManifestPlusTheBlobsItReferences() {
        ManifestRecord image = image("image", 500, digest("config"), digest("layer 1"), digest("layer 2"), digest("unlinked"));
        link(APP, digest("config"), 10);
        link(APP, digest("layer 1"), 1000);
        link(APP, digest("layer 2"), 2000);
        link(APP, digest("unrelated"), 4000);
        link(APP, image.digest(), 500);
        put(APP, image, null);

        assertThat(catalog.artifacts(APP, null, new PageRequest(1, 10, null)).results().get(0).size())
                .isEqualTo(500 + 10 + 1000 + 2000);
    }

    @Test
    void sizesAnIndexWithItsChildren() {
        ManifestRecord amd64 = image("amd64", 300, digest("config a"), digest("layer a"), digest("shared"));
        ManifestRecord arm64 = image("arm64", 400, digest("config b"), digest("layer b"), digest("shared"));
        ManifestRecord index = new ManifestRecord(digest("index"), INDEX, 200, List.of(amd64.digest(), arm64.digest()),
                null, null, Map.of(), NOW.plusSeconds(1));
        for (String blob : List.of("config a", "config b")) {
            link(APP, digest(blob), 10);
        }
        link(APP, digest("layer a"), 1000);
        link(APP, digest("layer b"), 2000);
        link(APP, digest("shared"), 5000);
        link(APP, amd64.digest(), 300);
        link(APP, arm64.digest(), 400);
        link(APP, index.digest(), 200);
        put(APP, amd64, null);
        put(APP, arm64, null);
        put(APP, index, "latest");

        ArtifactSummary listed = catalog.artifacts(APP, "latest", new PageRequest(1, 10, null)).results().get(0);

        // Each blob once, however many children share it.
        assertThat(listed.size()).isEqualTo(200 + 300 + 10 + 1000 + 400 + 10 + 2000 + 5000);
        assertThat(catalog.artifacts(APP, null, new PageRequest(1, 10, null)).results())
                .extracting(ArtifactSummary::size)
                .containsExactlyInAnyOrder(200L + 300 + 10 + 1000 + 400 + 10 + 2000 + 5000, 300L + 10 + 1000 + 5000,
                        400L + 10 + 2000 + 5000);
    }

    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void sizesManifestsThatReferToEachOtherInACycle() {
        ManifestRecord a = new ManifestRecord(digest("a"), INDEX, 1, List.of(digest("b")), null, null, Map.of(), NOW);
        ManifestRecord b = new ManifestRecord(digest("b"), INDEX, 10, List.of(digest("a"), digest("blob")), null, null,
                Map.of(), NOW);
        link(APP, digest("blob"), 100);
        put(APP, a, null);
        put(APP, b, null);

        assertThat(catalog.artifacts(APP, null, new PageRequest(1, 10, null)).results())
                .extracting(ArtifactSummary::size).containsOnly(111L);
    }

    @Test
    void deletesARepositoryWithItsPullCounter() {
        ManifestRecord manifest = image("m", 1, digest("config"));
        put(APP, manifest, null);
        usage.recordPulls(List.of(new PullRecord(APP, manifest.digest(), null, 1, NOW)));
        assertThat(catalog.repository(APP).orElseThrow().pullCount()).isEqualTo(1);

        metadata.repositories().deleteRepository(APP);
        put(APP, manifest, null);

        assertThat(catalog.repository(APP).orElseThrow().pullCount()).isZero();
    }

    private static ManifestRecord image(String seed, long size, Digest... references) {
        return new ManifestRecord(digest(seed), IMAGE, size, List.of(references), null, null, Map.of(), NOW);
    }

    private static ManifestRecord image(String seed, long size, Instant pushedAt) {
        return new ManifestRecord(digest(seed), IMAGE, size, List.of(), null, null, Map.of(), pushedAt);
    }
}
