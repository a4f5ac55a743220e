package dev.berth.storage.meta;

import dev.berth.core.digest.Digest;
import dev.berth.core.metadata.ManifestRecord;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.name.Tag;
import dev.berth.storage.layout.DataLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

class H2MetadataStoreTest {
    private static final Instant NOW = Instant.parse("2025-03-04T05:06:07.123456Z");
    private static final RepositoryName ALPINE = RepositoryName.parse("library/alpine");
    private static final RepositoryName BUSYBOX = RepositoryName.parse("library/busybox");
    private static final String IMAGE_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

    @TempDir
    Path dataDir;
    private DataLayout layout;
    private H2MetadataStore store;

    @BeforeEach
    void setUp() throws IOException {
        layout = new DataLayout(dataDir);
        store = open();
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    @Test
    void linksBlobsIntoARepository() {
        Digest layer = digest("layer");

        store.linkBlob(ALPINE, layer, 42);
        store.linkBlob(ALPINE, layer, 42);

        assertThat(store.repositoryExists(ALPINE)).isTrue();
        assertThat(store.repositoryExists(BUSYBOX)).isFalse();
        assertThat(store.linkedBlobSize(ALPINE, layer)).hasValue(42);
        assertThat(store.linkedBlobSize(BUSYBOX, layer)).isEmpty();
        assertThat(store.isUnreferenced(layer)).isFalse();
    }

    @Test
    void namesTheFirstRepositoryLinkingABlob() {
        Digest layer = digest("layer");
        store.linkBlob(BUSYBOX, layer, 1);
        store.linkBlob(ALPINE, layer, 1);

        assertThat(store.anyRepositoryLinking(layer)).contains(ALPINE);
        assertThat(store.anyRepositoryLinking(digest("other"))).isEmpty();
    }

    @Test
    void unlinksABlob() {
        Digest layer = digest("layer");
        store.linkBlob(ALPINE, layer, 1);

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

        store.putManifest(ALPINE, manifest, null);

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

        store.putManifest(ALPINE, manifest, null);

        assertThat(store.manifest(ALPINE, manifest.digest())).contains(manifest);
    }

    @Test
    void movesATagToTheNewestManifest() {
        ManifestRecord first = manifest("first", null);
        ManifestRecord second = manifest("second", null);
        Tag latest = Tag.parse("latest");

        store.putManifest(ALPINE, first, latest);
        store.putManifest(ALPINE, first, Tag.parse("v1"));
        store.putManifest(ALPINE, second, latest);

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
            store.putManifest(ALPINE, manifest, Tag.parse(name));
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
        List<String> names = List.of("zeta", "library/busybox", "library/alpine", "a/b-c", "a/b", "a0");
        for (String name : names) {
            store.linkBlob(RepositoryName.parse(name), digest("x"), 1);
        }

        assertThat(store.listRepositories(null, 100)).extracting(RepositoryName::value)
                .isEqualTo(names.stream().sorted().toList());
        assertThat(store.listRepositories(null, 2)).extracting(RepositoryName::value).containsExactly("a/b", "a/b-c");
        assertThat(store.listRepositories("a/b-c", 2)).extracting(RepositoryName::value)
                .containsExactly("a0", "library/alpine");
        assertThat(store.listRepositories("zeta", 2)).isEmpty();
    }

    @Test
    void findsReferrersBySubjectInDigestOrder() {
        Digest subject = manifest("subject", null).digest();
        ManifestRecord sbom = manifest("sbom", subject);
        ManifestRecord signature = manifest("signature", subject);
        ManifestRecord unrelated = manifest("unrelated", digest("elsewhere"));
        store.putManifest(ALPINE, sbom, null);
        store.putManifest(ALPINE, signature, null);
        store.putManifest(ALPINE, unrelated, null);
        store.putManifest(BUSYBOX, manifest("busybox sbom", subject), null);

        List<ManifestRecord> referrers = store.referrers(ALPINE, subject);

        assertThat(referrers).extracting(ManifestRecord::digest)
                .isEqualTo(List.of(sbom.digest(), signature.digest()).stream()
                        .sorted((a, b) -> a.value().compareTo(b.value())).toList());
        assertThat(referrers).allSatisfy(r -> assertThat(r.references()).containsExactly(digest("config")));
        assertThat(store.referrers(ALPINE, digest("nothing"))).isEmpty();
        assertThat(store.referrers(RepositoryName.parse("unknown"), subject)).isEmpty();
    }

    @Test
    void deletesAManifestWithItsTagsAndReferences() {
        ManifestRecord kept = manifest("kept", null);
        ManifestRecord deleted = manifest("deleted", null);
        store.putManifest(ALPINE, kept, Tag.parse("stable"));
        store.putManifest(ALPINE, deleted, Tag.parse("latest"));
        store.putManifest(ALPINE, deleted, Tag.parse("edge"));

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
        store.putManifest(ALPINE, manifest, Tag.parse("latest"));

        assertThat(store.deleteTag(ALPINE, Tag.parse("latest"))).isTrue();
        assertThat(store.deleteTag(ALPINE, Tag.parse("latest"))).isFalse();
        assertThat(store.resolveTag(ALPINE, Tag.parse("latest"))).isEmpty();
        assertThat(store.manifest(ALPINE, manifest.digest())).contains(manifest);
    }

    @Test
    void forgetsEveryRowThatNamesADigest() {
        ManifestRecord manifest = manifest("m", null);
        store.linkBlob(ALPINE, manifest.digest(), 10);
        store.putManifest(ALPINE, manifest, Tag.parse("latest"));
        store.putManifest(BUSYBOX, manifest, null);

        assertThat(store.forgetDigest(manifest.digest())).isEqualTo(3);

        assertThat(store.isUnreferenced(manifest.digest())).isTrue();
        assertThat(store.resolveTag(ALPINE, Tag.parse("latest"))).isEmpty();
    }

    @Test
    void keepsItsDataWhenClosedAndReopened() throws IOException {
        ManifestRecord manifest = manifest("m", null);
        store.linkBlob(ALPINE, digest("layer"), 7);
        store.putManifest(ALPINE, manifest, Tag.parse("latest"));
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
                    store.linkBlob(fresh, layer, 1);
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

    private H2MetadataStore open() throws IOException {
        return H2MetadataStore.open(layout, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static ManifestRecord manifest(String seed, Digest subject) {
        return new ManifestRecord(digest(seed), IMAGE_MANIFEST, seed.length(), List.of(digest("config")), subject,
                null, Map.of(), NOW);
    }

    private static Digest digest(String seed) {
        return Digest.sha256Of(seed.getBytes(StandardCharsets.UTF_8));
    }
}
