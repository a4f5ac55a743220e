package dev.berth.storage.meta;

import dev.berth.core.digest.Digest;
import dev.berth.core.metadata.BlobLink;
import dev.berth.core.error.OciErrorCode;
import dev.berth.core.error.RegistryException;
import dev.berth.core.manifest.Descriptor;
import dev.berth.core.metadata.ManifestDependencies;
import dev.berth.core.metadata.ManifestRecord;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.name.Tag;
import dev.berth.core.usage.HistoryEvent;
import dev.berth.core.usage.PullRecord;
import dev.berth.core.user.Access;
import dev.berth.core.user.Permission;
import dev.berth.core.user.User;
import dev.berth.core.listing.PageRequest;
import dev.berth.storage.layout.DataLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class H2MetadataStoreTest {
    private static final Instant NOW = Instant.parse("2025-03-04T05:06:07.123456Z");
    private static final RepositoryName ALPINE = RepositoryName.parse("library/alpine");
    private static final RepositoryName BUSYBOX = RepositoryName.parse("library/busybox");
    private static final RepositoryName ACME_APP = RepositoryName.parse("acme/app");
    private static final RepositoryName ACME_WEB = RepositoryName.parse("acme/team/web");
    private static final RepositoryName BETA_APP = RepositoryName.parse("beta/app");
    private static final String IMAGE_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

    @TempDir
    Path dataDir;
    private DataLayout layout;
    private TestClock clock;
    private H2MetadataStore store;

    @BeforeEach
    void setUp() throws IOException {
        layout = new DataLayout(dataDir);
        clock = new TestClock(NOW);
        store = open();
        for (String registry : List.of("library", "acme", "beta", "fresh")) {
            tenants().create(registry, false, null, NOW);
        }
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    @Test
    void linksBlobsIntoARepository() {
        Digest layer = digest("layer");

        store.linkBlobs(List.of(new BlobLink(ALPINE, layer, 42)));
        store.linkBlobs(List.of(new BlobLink(ALPINE, layer, 42)));

        assertThat(store.repositoryExists(ALPINE)).isTrue();
        assertThat(store.repositoryExists(BUSYBOX)).isFalse();
        assertThat(store.linkedBlobSize(ALPINE, layer)).hasValue(42);
        assertThat(store.linkedBlobSize(BUSYBOX, layer)).isEmpty();
        assertThat(store.isUnreferenced(layer)).isFalse();
    }

    @Test
    void namesTheFirstRepositoryLinkingABlob() {
        Digest layer = digest("layer");
        store.linkBlobs(List.of(new BlobLink(BUSYBOX, layer, 1)));
        store.linkBlobs(List.of(new BlobLink(ALPINE, layer, 1)));

        assertThat(store.anyRepositoryLinking(layer)).contains(ALPINE);
        assertThat(store.anyRepositoryLinking(digest("other"))).isEmpty();
    }

    @Test
    void unlinksABlob() {
        Digest layer = digest("layer");
        store.linkBlobs(List.of(new BlobLink(ALPINE, layer, 1)));

        assertThat(store.unlinkBlob(ALPINE, layer)).isTrue();
        assertThat(store.unlinkBlob(ALPINE, layer)).isFalse();
        assertThat(store.unlinkBlob(BUSYBOX, layer)).isFalse();
        assertThat(store.linkedBlobSize(ALPINE, layer)).isEmpty();
        assertThat(store.isUnreferenced(layer)).isTrue();
    }

    @Test
    void keepsEverythingAManifestRecordHolds() {
        ManifestRecord manifest = new ManifestRecord(digest("manifest"), IMAGE_MANIFEST, 512,
                List.of(digest("config"), digest("layer 1"), digest("layer 2"), digest("layer 1")),
                digest("subject"), "application/vnd.example.sbom",
                Map.of("org.opencontainers.image.created", "2025-01-01T00:00:00Z", "quote", "\"json\" {}"),
                Instant.parse("2025-01-01T00:00:00.654321Z"));

        store.putManifest(ALPINE, manifest, null, ManifestDependencies.NONE);

        ManifestRecord read = store.manifest(ALPINE, manifest.digest()).orElseThrow();
        assertThat(read).usingRecursiveComparison().ignoringFields("references").isEqualTo(manifest);
        assertThat(read.references()).containsExactly(digest("config"), digest("layer 1"), digest("layer 2"));
        assertThat(store.manifest(BUSYBOX, manifest.digest())).isEmpty();
        assertThat(store.manifest(ALPINE, digest("other"))).isEmpty();
        assertThat(store.isUnreferenced(manifest.digest())).isFalse();
        assertThat(store.repositoryExists(ALPINE)).isTrue();
    }

    @Test
    void readsAManifestWithoutSubjectOrAnnotations() {
        ManifestRecord manifest = manifest("plain", null);

        store.putManifest(ALPINE, manifest, null, ManifestDependencies.NONE);

        assertThat(store.manifest(ALPINE, manifest.digest())).contains(manifest);
    }

    @Test
    void movesATagToTheNewestManifest() {
        ManifestRecord first = manifest("first", null);
        ManifestRecord second = manifest("second", null);
        Tag latest = Tag.parse("latest");

        store.putManifest(ALPINE, first, latest, ManifestDependencies.NONE);
        store.putManifest(ALPINE, first, Tag.parse("v1"), ManifestDependencies.NONE);
        store.putManifest(ALPINE, second, latest, ManifestDependencies.NONE);

        assertThat(store.resolveTag(ALPINE, latest)).contains(second.digest());
        assertThat(store.tagsOf(ALPINE, first.digest())).containsExactly(Tag.parse("v1"));
        assertThat(store.tagsOf(ALPINE, second.digest())).containsExactly(latest);
        assertThat(store.resolveTag(BUSYBOX, latest)).isEmpty();
    }

    @Test
    void listsTagsInLexicalOrderPageByPage() {
        ManifestRecord manifest = manifest("m", null);
        List<String> names = List.of("latest", "1.0", "B", "_x", "a-b", "a", "Z.9", "v1.2.3");
        for (String name : names) {
            store.putManifest(ALPINE, manifest, Tag.parse(name), ManifestDependencies.NONE);
        }
        List<String> expected = names.stream().sorted().toList();

        List<String> paged = new ArrayList<>();
        String last = null;
        List<Tag> page;
        do {
            page = store.listTags(ALPINE, last, 3);
            assertThat(page).hasSizeLessThanOrEqualTo(3);
            page.forEach(tag -> paged.add(tag.value()));
            last = page.isEmpty() ? last : page.get(page.size() - 1).value();
        } while (page.size() == 3);

        assertThat(paged).isEqualTo(expected);
        assertThat(store.listTags(ALPINE, null, 100)).extracting(Tag::value).isEqualTo(expected);
        assertThat(store.listTags(ALPINE, "a", 2)).extracting(Tag::value).containsExactly("a-b", "latest");
        assertThat(store.listTags(ALPINE, null, 0)).isEmpty();
        assertThat(store.listTags(BUSYBOX, null, 10)).isEmpty();
    }

    @Test
    void listsRepositoriesInLexicalOrderPageByPage() {
        List<String> names = List.of("zeta/z", "library/busybox", "library/alpine", "a/b-c", "a/b", "a0/c");
        for (String registry : List.of("zeta", "a", "a0")) {
            tenants().create(registry, false, null, NOW);
        }
        for (String name : names) {
            store.linkBlobs(List.of(new BlobLink(RepositoryName.parse(name), digest("x"), 1)));
        }

        assertThat(store.listRepositories(null, 100)).extracting(RepositoryName::value)
                .isEqualTo(names.stream().sorted().toList());
        assertThat(store.listRepositories(null, 2)).extracting(RepositoryName::value).containsExactly("a/b", "a/b-c");
        assertThat(store.listRepositories("a/b-c", 2)).extracting(RepositoryName::value)
                .containsExactly("a0/c", "library/alpine");
        assertThat(store.listRepositories("zeta/z", 2)).isEmpty();
    }

    @Test
    void findsReferrersBySubjectInDigestOrder() {
        Digest subject = manifest("subject", null).digest();
        ManifestRecord sbom = manifest("sbom", subject);
        ManifestRecord signature = manifest("signature", subject);
        ManifestRecord unrelated = manifest("unrelated", digest("elsewhere"));
        store.putManifest(ALPINE, sbom, null, ManifestDependencies.NONE);
        store.putManifest(ALPINE, signature, null, ManifestDependencies.NONE);
        store.putManifest(ALPINE, unrelated, null, ManifestDependencies.NONE);
        store.putManifest(BUSYBOX, manifest("busybox sbom", subject), null, ManifestDependencies.NONE);

        List<ManifestRecord> referrers = store.referrers(ALPINE, subject);

        assertThat(referrers).extracting(ManifestRecord::digest)
                .isEqualTo(List.of(sbom.digest(), signature.digest()).stream()
                        .sorted((a, b) -> a.value().compareTo(b.value())).toList());
        assertThat(referrers).allSatisfy(r -> assertThat(r.references()).containsExactly(digest("config")));
        assertThat(store.referrers(ALPINE, digest("nothing"))).isEmpty();
        assertThat(store.referrers(RepositoryName.parse("unknown/repo"), subject)).isEmpty();
    }

    @Test
    void deletesAManifestWithItsTagsAndReferences() {
        ManifestRecord kept = manifest("kept", null);
        ManifestRecord deleted = manifest("deleted", null);
        store.putManifest(ALPINE, kept, Tag.parse("stable"), ManifestDependencies.NONE);
        store.putManifest(ALPINE, deleted, Tag.parse("latest"), ManifestDependencies.NONE);
        store.putManifest(ALPINE, deleted, Tag.parse("edge"), ManifestDependencies.NONE);

        assertThat(store.deleteManifest(ALPINE, deleted.digest())).isTrue();
        assertThat(store.deleteManifest(ALPINE, deleted.digest())).isFalse();
        assertThat(store.deleteManifest(BUSYBOX, deleted.digest())).isFalse();

        assertThat(store.manifest(ALPINE, deleted.digest())).isEmpty();
        assertThat(store.resolveTag(ALPINE, Tag.parse("latest"))).isEmpty();
        assertThat(store.listTags(ALPINE, null, 10)).containsExactly(Tag.parse("stable"));
        assertThat(store.isUnreferenced(deleted.digest())).isTrue();
        assertThat(store.manifest(ALPINE, kept.digest())).contains(kept);
    }

    @Test
    void deletesOneTag() {
        ManifestRecord manifest = manifest("m", null);
        store.putManifest(ALPINE, manifest, Tag.parse("latest"), ManifestDependencies.NONE);

        assertThat(store.deleteTag(ALPINE, Tag.parse("latest"))).isTrue();
        assertThat(store.deleteTag(ALPINE, Tag.parse("latest"))).isFalse();
        assertThat(store.resolveTag(ALPINE, Tag.parse("latest"))).isEmpty();
        assertThat(store.manifest(ALPINE, manifest.digest())).contains(manifest);
    }

    @Test
    void forgetsEveryRowThatNamesADigest() {
        ManifestRecord manifest = manifest("m", null);
        store.linkBlobs(List.of(new BlobLink(ALPINE, manifest.digest(), 10)));
        store.putManifest(ALPINE, manifest, Tag.parse("latest"), ManifestDependencies.NONE);
        store.putManifest(BUSYBOX, manifest, null, ManifestDependencies.NONE);

        assertThat(store.forgetDigest(manifest.digest())).isEqualTo(3);

        assertThat(store.isUnreferenced(manifest.digest())).isTrue();
        assertThat(store.resolveTag(ALPINE, Tag.parse("latest"))).isEmpty();
    }

    @Test
    void keepsItsDataWhenClosedAndReopened() throws IOException {
        ManifestRecord manifest = manifest("m", null);
        store.linkBlobs(List.of(new BlobLink(ALPINE, digest("layer"), 7)));
        store.putManifest(ALPINE, manifest, Tag.parse("latest"), ManifestDependencies.NONE);
        store.close();

        store = open();

        assertThat(store.linkedBlobSize(ALPINE, digest("layer"))).hasValue(7);
        assertThat(store.resolveTag(ALPINE, Tag.parse("latest"))).contains(manifest.digest());
        assertThat(store.manifest(ALPINE, manifest.digest())).contains(manifest);
    }

    @Test
    void createsARepositoryOnceUnderConcurrentFirstPushes() throws Exception {
        int threads = 8;
        RepositoryName fresh = RepositoryName.parse("fresh/repo");
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> pushes = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                Digest layer = digest("layer " + i);
                pushes.add(pool.submit(() -> {
                    start.await();
                    store.linkBlobs(List.of(new BlobLink(fresh, layer, 1)));
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> push : pushes) {
                push.get();
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(store.listRepositories(null, 10)).containsExactly(fresh);
        for (int i = 0; i < threads; i++) {
            assertThat(store.linkedBlobSize(fresh, digest("layer " + i))).hasValue(1);
        }
    }

    // --- registry usage accounting

    @Test
    void countsABlobLinkedIntoTwoRepositoriesOfOneRegistryOnce() {
        Digest layer = digest("layer");

        store.linkBlobs(List.of(new BlobLink(ACME_APP, layer, 100)));
        store.linkBlobs(List.of(new BlobLink(ACME_WEB, layer, 100)));
        store.linkBlobs(List.of(new BlobLink(ACME_WEB, layer, 100)));
        store.linkBlobs(List.of(new BlobLink(ACME_APP, digest("config"), 7)));
        store.linkBlobs(List.of(new BlobLink(BETA_APP, layer, 100)));

        assertThat(used("acme")).isEqualTo(107);
        assertThat(used("beta")).isEqualTo(100);
        assertThat(store.registryLinksBlob("acme", layer)).isTrue();
        assertThat(store.registryLinksBlob("beta", digest("config"))).isFalse();
        assertThat(store.registryLinksBlob("nobody", layer)).isFalse();
    }

    @Test
    void keepsABlobCountedUntilItsLastLinkInTheRegistryGoes() {
        Digest layer = digest("layer");
        store.linkBlobs(List.of(new BlobLink(ACME_APP, layer, 100)));
        store.linkBlobs(List.of(new BlobLink(ACME_WEB, layer, 100)));

        assertThat(store.unlinkBlob(ACME_APP, layer)).isTrue();
        assertThat(used("acme")).isEqualTo(100);
        assertThat(store.registryLinksBlob("acme", layer)).isTrue();
        assertThat(store.unlinkBlob(ACME_APP, layer)).isFalse();
        assertThat(used("acme")).isEqualTo(100);

        assertThat(store.unlinkBlob(ACME_WEB, layer)).isTrue();
        assertThat(used("acme")).isZero();
        assertThat(store.registryLinksBlob("acme", layer)).isFalse();

        store.linkBlobs(List.of(new BlobLink(ACME_WEB, layer, 100)));
        assertThat(used("acme")).isEqualTo(100);
    }

    @Test
    void deletesARepositoryAndGivesBackWhatNoOtherRepositoryLinks() {
        ManifestRecord manifest = manifest("m", null);
        store.linkBlobs(List.of(new BlobLink(ACME_APP, digest("config"), 10)));
        store.linkBlobs(List.of(new BlobLink(ACME_APP, digest("layer"), 100)));
        store.linkBlobs(List.of(new BlobLink(ACME_APP, manifest.digest(), 1)));
        store.putManifest(ACME_APP, manifest, Tag.parse("latest"), ManifestDependencies.NONE);
        store.linkBlobs(List.of(new BlobLink(ACME_WEB, digest("layer"), 100)));
        assertThat(used("acme")).isEqualTo(111);

        assertThat(store.deleteRepository(ACME_APP)).isTrue();

        assertThat(used("acme")).isEqualTo(100);
        assertThat(store.repositoryExists(ACME_APP)).isFalse();
        assertThat(store.listRepositories(null, 10)).containsExactly(ACME_WEB);
        assertThat(store.manifest(ACME_APP, manifest.digest())).isEmpty();
        assertThat(store.resolveTag(ACME_APP, Tag.parse("latest"))).isEmpty();
        assertThat(store.linkedBlobSize(ACME_APP, digest("config"))).isEmpty();
        assertThat(store.isUnreferenced(digest("config"))).isTrue();
        assertThat(store.isUnreferenced(manifest.digest())).isTrue();
        assertThat(store.registryLinksBlob("acme", digest("config"))).isFalse();
        assertThat(store.deleteRepository(ACME_APP)).isFalse();

        assertThat(store.deleteRepository(ACME_WEB)).isTrue();
        assertThat(used("acme")).isZero();
    }

    @Test
    void deletesARepositoryWithItsPullCounter() {
        ManifestRecord manifest = manifest("m", null);
        store.putManifest(ACME_APP, manifest, null, ManifestDependencies.NONE);
        new H2UsageStore(store.database()).recordPulls(List.of(new PullRecord(ACME_APP, manifest.digest(), null, 1, NOW)));
        H2CatalogStore catalog = new H2CatalogStore(store.database());
        assertThat(catalog.repository(ACME_APP).orElseThrow().pullCount()).isEqualTo(1);

        store.deleteRepository(ACME_APP);
        store.putManifest(ACME_APP, manifest, null, ManifestDependencies.NONE);

        assertThat(catalog.repository(ACME_APP).orElseThrow().pullCount()).isZero();
    }

    @Test
    void unlinksOnlyUnreferencedBlobsLinkedBeforeTheCutOff() {
        ManifestRecord kept = new ManifestRecord(digest("kept"), IMAGE_MANIFEST, 4,
                List.of(digest("config"), digest("layer 1")), null, null, Map.of(), NOW);
        ManifestRecord deleted = new ManifestRecord(digest("deleted"), IMAGE_MANIFEST, 8,
                List.of(digest("config"), digest("layer 2")), null, null, Map.of(), NOW);
        store.linkBlobs(List.of(new BlobLink(ACME_APP, digest("config"), 10)));
        store.linkBlobs(List.of(new BlobLink(ACME_APP, digest("layer 1"), 100)));
        store.linkBlobs(List.of(new BlobLink(ACME_APP, digest("layer 2"), 200)));
        store.linkBlobs(List.of(new BlobLink(ACME_APP, digest("orphan"), 1000)));
        store.linkBlobs(List.of(new BlobLink(ACME_APP, digest("refreshed"), 2000)));
        store.linkBlobs(List.of(new BlobLink(ACME_APP, kept.digest(), 4)));
        store.linkBlobs(List.of(new BlobLink(ACME_APP, deleted.digest(), 8)));
        store.putManifest(ACME_APP, kept, Tag.parse("latest"), ManifestDependencies.NONE);
        store.putManifest(ACME_APP, deleted, null, ManifestDependencies.NONE);
        store.linkBlobs(List.of(new BlobLink(ACME_WEB, digest("layer 2"), 200)));
        clock.advance(Duration.ofHours(2));
        Instant cutOff = clock.instant();
        store.linkBlobs(List.of(new BlobLink(ACME_APP, digest("fresh"), 5000)));
        store.linkBlobs(List.of(new BlobLink(ACME_APP, digest("refreshed"), 2000)));
        assertThat(store.deleteManifest(ACME_APP, deleted.digest())).isTrue();
        assertThat(used("acme")).isEqualTo(10 + 100 + 200 + 1000 + 2000 + 4 + 8 + 5000);

        List<Digest> unlinked = store.unlinkUnreferencedBlobs(ACME_APP, cutOff);

        assertThat(unlinked).containsExactlyInAnyOrder(digest("layer 2"), digest("orphan"), deleted.digest());
        assertThat(store.linkedBlobSize(ACME_APP, digest("config"))).hasValue(10);
        assertThat(store.linkedBlobSize(ACME_APP, digest("layer 1"))).hasValue(100);
        assertThat(store.linkedBlobSize(ACME_APP, kept.digest())).hasValue(4);
        assertThat(store.linkedBlobSize(ACME_APP, digest("fresh"))).hasValue(5000);
        assertThat(store.linkedBlobSize(ACME_APP, digest("refreshed"))).hasValue(2000);
        assertThat(store.linkedBlobSize(ACME_APP, digest("layer 2"))).isEmpty();
        assertThat(store.linkedBlobSize(ACME_WEB, digest("layer 2"))).hasValue(200);
        // layer 2 is still linked in acme/web, so only the orphan and the deleted manifest are given back.
        assertThat(used("acme")).isEqualTo(10 + 100 + 200 + 2000 + 4 + 5000);
        assertThat(store.unlinkUnreferencedBlobs(ACME_APP, cutOff)).isEmpty();
        assertThat(store.unlinkUnreferencedBlobs(RepositoryName.parse("acme/none"), cutOff)).isEmpty();
    }

    @Test
    void linksNothingIntoARegistryThatDoesNotExist() {
        RepositoryName orphan = RepositoryName.parse("acmex/app");

        assertOci(() -> store.linkBlobs(List.of(new BlobLink(orphan, digest("layer"), 100))), OciErrorCode.NAME_UNKNOWN);
        assertOci(() -> store.putManifest(orphan, manifest("m", null), Tag.parse("v1"), ManifestDependencies.NONE),
                OciErrorCode.NAME_UNKNOWN);

        assertThat(store.repositoryExists(orphan)).isFalse();
        assertThat(store.listRepositories(null, 10)).isEmpty();
        tenants().create("acmex", false, null, NOW);
        assertThat(tenants().find("acmex").orElseThrow().repoCount()).isZero();
        assertThat(store.repositoryExists(orphan)).isFalse();
    }

    // --- a manifest's dependencies, checked in the transaction that records it

    @Test
    void recordsAManifestWhoseBlobsAreLinkedWithTheirSizes() {
        store.linkBlobs(List.of(new BlobLink(ALPINE, digest("config"), 6)));
        store.linkBlobs(List.of(new BlobLink(ALPINE, digest("layer"), 5)));
        ManifestRecord manifest = manifest("m", null);

        store.putManifest(ALPINE, manifest, Tag.parse("v1"), dependencies(blob("config", 6), blob("layer", 5)));

        assertThat(store.resolveTag(ALPINE, Tag.parse("v1"))).contains(manifest.digest());
    }

    @Test
    void refusesAManifestWhoseBlobIsNotLinkedAndStoresNothingOfIt() {
        store.linkBlobs(List.of(new BlobLink(ALPINE, digest("config"), 6)));
        ManifestRecord manifest = manifest("m", null);

        assertOci(() -> store.putManifest(ALPINE, manifest, Tag.parse("v1"), dependencies(blob("config", 6), blob("layer", 5))),
                OciErrorCode.MANIFEST_BLOB_UNKNOWN);

        assertThat(store.manifest(ALPINE, manifest.digest())).isEmpty();
        assertThat(store.resolveTag(ALPINE, Tag.parse("v1"))).isEmpty();
    }

    @Test
    void refusesAManifestWhoseBlobSizeDiffersFromTheLink() {
        store.linkBlobs(List.of(new BlobLink(ALPINE, digest("layer"), 5)));

        assertOci(() -> store.putManifest(ALPINE, manifest("m", null), null, dependencies(blob("layer", 4))),
                OciErrorCode.MANIFEST_INVALID);
    }

    @Test
    void refusesAnIndexWhoseChildIsNotStoredInTheRepository() {
        ManifestRecord child = manifest("child", null);
        store.putManifest(BUSYBOX, child, null, ManifestDependencies.NONE);
        ManifestDependencies index = new ManifestDependencies(List.of(),
                List.of(new Descriptor(IMAGE_MANIFEST, child.digest(), child.size(), null, null)));

        assertOci(() -> store.putManifest(ALPINE, manifest("index", null), null, index), OciErrorCode.MANIFEST_BLOB_UNKNOWN);

        store.putManifest(ALPINE, child, null, ManifestDependencies.NONE);
        store.putManifest(ALPINE, manifest("index", null), null, index);
        assertThat(store.manifest(ALPINE, manifest("index", null).digest())).isPresent();
    }

    @Test
    void givesBackTheUsageOfABlobThatRecoveryForgets() {
        store.linkBlobs(List.of(new BlobLink(ACME_APP, digest("lost"), 100)));
        store.linkBlobs(List.of(new BlobLink(ACME_WEB, digest("lost"), 100)));
        store.linkBlobs(List.of(new BlobLink(ACME_WEB, digest("kept"), 10)));

        assertThat(store.forgetDigest(digest("lost"))).isEqualTo(2);

        assertThat(used("acme")).isEqualTo(10);
        assertThat(store.registryLinksBlob("acme", digest("lost"))).isFalse();
    }

    @Test
    void countsABlobOnceUnderConcurrentFirstLinksIntoOneRegistry() throws Exception {
        int threads = 8;
        Digest layer = digest("shared layer");
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> pushes = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                RepositoryName repository = RepositoryName.parse("acme/repo" + i);
                pushes.add(pool.submit(() -> {
                    start.await();
                    store.linkBlobs(List.of(new BlobLink(repository, layer, 1000)));
                    store.linkBlobs(List.of(new BlobLink(repository, digest("own " + repository), 1)));
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> push : pushes) {
                push.get();
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(used("acme")).isEqualTo(1000 + threads);
        for (int i = 0; i < threads; i++) {
            store.unlinkBlob(RepositoryName.parse("acme/repo" + i), layer);
        }
        assertThat(used("acme")).isEqualTo(threads);
    }

    @Test
    void deletesARegistryWithEverythingInItAndThePermissionsOnIt() {
        H2TenantStore tenants = tenants();
        H2UserStore users = new H2UserStore(store.database());
        H2UsageStore usage = new H2UsageStore(store.database());
        ManifestRecord manifest = manifest("m", null);
        for (RepositoryName repository : List.of(ACME_APP, ACME_WEB, BETA_APP)) {
            store.linkBlobs(List.of(new BlobLink(repository, digest("layer"), 100)));
            store.linkBlobs(List.of(new BlobLink(repository, manifest.digest(), 1)));
            store.putManifest(repository, manifest, Tag.parse("latest"), ManifestDependencies.NONE);
        }
        users.insert(new User("u-1", "ci", "", true, -1, null, NOW, NOW,
                List.of(new Permission("acme", Access.PUSH), new Permission("beta", Access.PULL)), "hash"));
        usage.appendHistory(List.of(new HistoryEvent(NOW, "acme", "push", "app", "latest", manifest.digest().value(), 1, "ci"),
                new HistoryEvent(NOW, "beta", "push", "app", "latest", manifest.digest().value(), 1, "ci")));

        assertThat(tenants.delete("acme")).isTrue();

        assertThat(tenants.find("acme")).isEmpty();
        assertThat(store.repositoryExists(ACME_APP)).isFalse();
        assertThat(store.repositoryExists(ACME_WEB)).isFalse();
        assertThat(store.manifest(ACME_APP, manifest.digest())).isEmpty();
        assertThat(store.resolveTag(ACME_WEB, Tag.parse("latest"))).isEmpty();
        assertThat(store.linkedBlobSize(ACME_APP, digest("layer"))).isEmpty();
        assertThat(store.registryLinksBlob("acme", digest("layer"))).isFalse();
        assertThat(users.find("u-1").orElseThrow().permissions()).containsExactly(new Permission("beta", Access.PULL));
        assertThat(store.listRepositories(null, 10)).containsExactly(BETA_APP);
        assertThat(used("beta")).isEqualTo(101);
        assertThat(store.resolveTag(BETA_APP, Tag.parse("latest"))).contains(manifest.digest());
        assertThat(usage.history("beta", null, new PageRequest(1, 10, null)).count()).isEqualTo(1);
        assertThat(tenants.delete("acme")).isFalse();

        tenants.create("acme", false, null, NOW);
        assertThat(used("acme")).isZero();
        assertThat(usage.history("acme", null, new PageRequest(1, 10, null)).count()).isZero();
        assertThat(tenants.find("acme").orElseThrow().repoCount()).isZero();
    }

    private static ManifestDependencies dependencies(Descriptor... blobs) {
        return new ManifestDependencies(List.of(blobs), List.of());
    }

    private static Descriptor blob(String seed, long size) {
        return new Descriptor("application/octet-stream", digest(seed), size, null, null);
    }

    private static void assertOci(ThrowingCallable call, OciErrorCode code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.ociCode()).contains(code));
    }

    private H2TenantStore tenants() {
        return new H2TenantStore(store.database());
    }

    private long used(String registry) {
        return tenants().find(registry).orElseThrow().storageUsedBytes();
    }

    private H2MetadataStore open() throws IOException {
        return H2MetadataStore.open(layout, clock);
    }

    private static ManifestRecord manifest(String seed, Digest subject) {
        return new ManifestRecord(digest(seed), IMAGE_MANIFEST, seed.length(), List.of(digest("config")), subject,
                null, Map.of(), NOW);
    }

    private static Digest digest(String seed) {
        return Digest.sha256Of(seed.getBytes(StandardCharsets.UTF_8));
    }
}
