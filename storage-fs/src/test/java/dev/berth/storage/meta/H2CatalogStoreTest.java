package dev.berth.storage.meta;

import dev.berth.core.catalog.ArtifactSummary;
import dev.berth.core.catalog.RepositorySummary;
import dev.berth.core.catalog.TagSummary;
import dev.berth.core.digest.Digest;
import dev.berth.core.listing.Listing;
import dev.berth.core.listing.PageRequest;
import dev.berth.core.metadata.BlobLink;
import dev.berth.core.metadata.ManifestDependencies;
import dev.berth.core.metadata.ManifestRecord;
import dev.berth.core.metadata.MetadataStores;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.name.Tag;
import dev.berth.core.usage.PullRecord;
import dev.berth.storage.layout.DataLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class H2CatalogStoreTest {
    private static final Instant T0 = Instant.parse("2025-03-04T05:06:07.123456Z");
    private static final String IMAGE = "application/vnd.oci.image.manifest.v1+json";
    private static final String INDEX = "application/vnd.oci.image.index.v1+json";
    private static final RepositoryName APP = RepositoryName.parse("acme/app");

    @TempDir
    Path dataDir;
    private Database database;
    private TestClock clock;
    private MetadataStores metadata;
    private H2CatalogStore catalog;

    @BeforeEach
    void setUp() throws IOException {
        database = Database.open(new DataLayout(dataDir));
        clock = new TestClock(T0);
        metadata = H2MetadataStores.over(database, clock);
        catalog = new H2CatalogStore(database);
        new H2TenantStore(database).create("acme", false, null, T0);
        new H2TenantStore(database).create("other", false, null, T0);
    }

    @AfterEach
    void tearDown() {
        database.close();
    }

    @Test
    void listsTheRepositoriesOfARegistryByFullNameFilteredWithinIt() {
        for (String name : List.of("acme/web", "acme/team/app", "acme/app", "acme/acme-tools", "other/app")) {
            metadata.blobLinks().linkBlobs(List.of(new BlobLink(RepositoryName.parse(name), digest(name), 1)));
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
        metadata.blobLinks().linkBlobs(List.of(new BlobLink(APP, digest("config"), 10)));
        metadata.blobLinks().linkBlobs(List.of(new BlobLink(APP, digest("layer"), 100)));
        metadata.blobLinks().linkBlobs(List.of(new BlobLink(APP, first.digest(), 50)));
        metadata.blobLinks().linkBlobs(List.of(new BlobLink(APP, second.digest(), 60)));
        clock.advance(Duration.ofMinutes(5));
        metadata.manifests().putManifest(APP, first, Tag.parse("v1"), ManifestDependencies.NONE);
        metadata.manifests().putManifest(APP, second, null, ManifestDependencies.NONE);
        new H2UsageStore(database).recordPulls(List.of(new PullRecord(APP, first.digest(), "v1", 1, T0),
                new PullRecord(APP, second.digest(), null, 1, T0)));
        metadata.manifests().deleteManifest(APP, second.digest());
        new H2UsageStore(database).recordPulls(List.of(new PullRecord(APP, second.digest(), null, 1, T0)));

        RepositorySummary summary = catalog.repository(APP).orElseThrow();

        assertThat(summary).isEqualTo(new RepositorySummary("acme/app", 1, 3, 10 + 100 + 50 + 60, T0,
                T0.plus(Duration.ofMinutes(5))));
        assertThat(catalog.repositories("acme", new PageRequest(1, 10, null)).results()).containsExactly(summary);
        assertThat(catalog.repository(RepositoryName.parse("acme/none"))).isEmpty();
    }

    @Test
    void listsArtifactsNewestFirstWithTheirTags() {
        ManifestRecord old = image("old", 1, Instant.parse("2025-01-01T00:00:00Z"));
        ManifestRecord newer = image("newer", 1, Instant.parse("2025-02-01T00:00:00Z"));
        ManifestRecord sameTimeA = image("same a", 1, Instant.parse("2025-03-01T00:00:00Z"));
        ManifestRecord sameTimeB = image("same b", 1, Instant.parse("2025-03-01T00:00:00Z"));
        metadata.manifests().putManifest(APP, old, Tag.parse("v1"), ManifestDependencies.NONE);
        metadata.manifests().putManifest(APP, newer, Tag.parse("v2"), ManifestDependencies.NONE);
        metadata.manifests().putManifest(APP, newer, Tag.parse("latest"), ManifestDependencies.NONE);
        metadata.manifests().putManifest(APP, sameTimeA, null, ManifestDependencies.NONE);
        metadata.manifests().putManifest(APP, sameTimeB, null, ManifestDependencies.NONE);
        Instant pulled = Instant.parse("2025-03-02T00:00:00Z");
        new H2UsageStore(database).recordPulls(List.of(new PullRecord(APP, newer.digest(), "latest", 1, pulled)));

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
        ManifestRecord one = image("one", 1, T0);
        ManifestRecord two = image("two", 1, T0);
        metadata.manifests().putManifest(APP, one, Tag.parse("v1"), ManifestDependencies.NONE);
        metadata.manifests().putManifest(APP, two, Tag.parse("v10"), ManifestDependencies.NONE);

        Listing<ArtifactSummary> tagged = catalog.artifacts(APP, "v1", new PageRequest(1, 10, null));

        assertThat(tagged.count()).isEqualTo(1);
        assertThat(tagged.results()).extracting(ArtifactSummary::digest).containsExactly(one.digest());
        Listing<ArtifactSummary> none = catalog.artifacts(APP, "v", new PageRequest(1, 10, null));
        assertThat(none.count()).isZero();
        assertThat(none.results()).isEmpty();
        assertThat(catalog.artifacts(RepositoryName.parse("acme/none"), null, new PageRequest(1, 10, null)).count()).isZero();
    }

    @Test
    void sizesAnImageAsItsManifestPlusTheBlobsItReferences() {
        ManifestRecord image = image("image", 500, digest("config"), digest("layer 1"), digest("layer 2"), digest("unlinked"));
        metadata.blobLinks().linkBlobs(List.of(new BlobLink(APP, digest("config"), 10)));
        metadata.blobLinks().linkBlobs(List.of(new BlobLink(APP, digest("layer 1"), 1000)));
        metadata.blobLinks().linkBlobs(List.of(new BlobLink(APP, digest("layer 2"), 2000)));
        metadata.blobLinks().linkBlobs(List.of(new BlobLink(APP, digest("unrelated"), 4000)));
        metadata.blobLinks().linkBlobs(List.of(new BlobLink(APP, image.digest(), 500)));
        metadata.manifests().putManifest(APP, image, null, ManifestDependencies.NONE);

        assertThat(catalog.artifacts(APP, null, new PageRequest(1, 10, null)).results().get(0).size())
                .isEqualTo(500 + 10 + 1000 + 2000);
    }

    @Test
    void sizesAnIndexWithItsChildren() {
        ManifestRecord amd64 = image("amd64", 300, digest("config a"), digest("layer a"), digest("shared"));
        ManifestRecord arm64 = image("arm64", 400, digest("config b"), digest("layer b"), digest("shared"));
        ManifestRecord index = new ManifestRecord(digest("index"), INDEX, 200, List.of(amd64.digest(), arm64.digest()),
                null, null, Map.of(), T0.plusSeconds(1));
        for (String blob : List.of("config a", "config b")) {
            metadata.blobLinks().linkBlobs(List.of(new BlobLink(APP, digest(blob), 10)));
        }
        metadata.blobLinks().linkBlobs(List.of(new BlobLink(APP, digest("layer a"), 1000)));
        metadata.blobLinks().linkBlobs(List.of(new BlobLink(APP, digest("layer b"), 2000)));
        metadata.blobLinks().linkBlobs(List.of(new BlobLink(APP, digest("shared"), 5000)));
        metadata.blobLinks().linkBlobs(List.of(new BlobLink(APP, amd64.digest(), 300)));
        metadata.blobLinks().linkBlobs(List.of(new BlobLink(APP, arm64.digest(), 400)));
        metadata.blobLinks().linkBlobs(List.of(new BlobLink(APP, index.digest(), 200)));
        metadata.manifests().putManifest(APP, amd64, null, ManifestDependencies.NONE);
        metadata.manifests().putManifest(APP, arm64, null, ManifestDependencies.NONE);
        metadata.manifests().putManifest(APP, index, Tag.parse("latest"), ManifestDependencies.NONE);

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
        ManifestRecord a = new ManifestRecord(digest("a"), INDEX, 1, List.of(digest("b")), null, null, Map.of(), T0);
        ManifestRecord b = new ManifestRecord(digest("b"), INDEX, 10, List.of(digest("a"), digest("blob")), null, null,
                Map.of(), T0);
        metadata.blobLinks().linkBlobs(List.of(new BlobLink(APP, digest("blob"), 100)));
        metadata.manifests().putManifest(APP, a, null, ManifestDependencies.NONE);
        metadata.manifests().putManifest(APP, b, null, ManifestDependencies.NONE);

        assertThat(catalog.artifacts(APP, null, new PageRequest(1, 10, null)).results())
                .extracting(ArtifactSummary::size).containsOnly(111L);
    }

    private static ManifestRecord image(String seed, long size, Digest... references) {
        return new ManifestRecord(digest(seed), IMAGE, size, List.of(references), null, null, Map.of(), T0);
    }

    private static ManifestRecord image(String seed, long size, Instant pushedAt) {
        return new ManifestRecord(digest(seed), IMAGE, size, List.of(), null, null, Map.of(), pushedAt);
    }

    private static Digest digest(String seed) {
        return Digest.sha256Of(seed.getBytes(StandardCharsets.UTF_8));
    }
}
