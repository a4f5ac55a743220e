package dev.berth.core.metadata.cache;

import dev.berth.core.cluster.CacheChange;
import dev.berth.core.digest.Digest;
import dev.berth.core.memory.MemoryOnly;
import dev.berth.core.metadata.BlobLink;
import dev.berth.core.metadata.BlobLinkStore;
import dev.berth.core.metadata.ManifestDependencies;
import dev.berth.core.metadata.ManifestRecord;
import dev.berth.core.metadata.ManifestStore;
import dev.berth.core.metadata.MetadataStores;
import dev.berth.core.metadata.RepositoryStore;
import dev.berth.core.metadata.TagStore;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.name.Tag;
import dev.berth.core.testing.InMemoryMetadataStore;
import dev.berth.core.testing.InMemoryTenantStore;
import dev.berth.core.testing.ManualCoherence;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class MetadataCacheTest {
    private static final RepositoryName APP = RepositoryName.parse("acme/app");
    private static final RepositoryName WEB = RepositoryName.parse("other/web");
    private static final Digest BLOB = Digest.sha256Of(new byte[] {1});
    private static final Digest MANIFEST = Digest.sha256Of(new byte[] {2});
    private static final Tag LATEST = Tag.parse("latest");

    private final AtomicInteger reads = new AtomicInteger();
    private final InMemoryTenantStore tenants = registries("acme", "other");
    private final InMemoryMetadataStore real = new InMemoryMetadataStore(tenants, Clock.systemUTC());
    private final ManualCoherence coherence = new ManualCoherence();
    private final MetadataCache cache = new MetadataCache(coherence, 16L << 20);
    private final MetadataStores stores = cache.over(new MetadataStores(counting(RepositoryStore.class),
            counting(BlobLinkStore.class), counting(ManifestStore.class), counting(TagStore.class)));
    private final BlobLinkStore links = stores.blobLinks();
    private final ManifestStore manifests = stores.manifests();
    private final TagStore tags = stores.tags();

    private static InMemoryTenantStore registries(String... names) {
        InMemoryTenantStore store = new InMemoryTenantStore();
        for (String name : names) {
            store.create(name, false, null, Instant.EPOCH);
        }
        return store;
    }

    /** The real store as one of its ports, counting the calls that reach it. */
    private <T> T counting(Class<T> port) {
        return port.cast(Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {port},
                (proxy, method, args) -> {
                    reads.incrementAndGet();
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                }));
    }

    private static ManifestRecord manifest() {
        return new ManifestRecord(MANIFEST, "application/vnd.oci.image.manifest.v1+json", 2, List.of(BLOB), null, null,
                Map.of(), Instant.EPOCH);
    }

    @Test
    void answersARepeatedPullReadFromMemory() {
        links.linkBlobs(List.of(new BlobLink(APP, BLOB, 1)), d -> true);
        manifests.putManifest(APP, manifest(), List.of(LATEST), ManifestDependencies.NONE);
        tags.resolveTag(APP, LATEST);
        manifests.manifest(APP, MANIFEST);
        links.linkedBlobSize(APP, BLOB);
        int before = reads.get();

        assertThat(tags.resolveTag(APP, LATEST)).contains(MANIFEST);
        assertThat(manifests.manifest(APP, MANIFEST)).isPresent();
        assertThat(links.linkedBlobSize(APP, BLOB)).hasValue(1);
        assertThat(reads.get()).isEqualTo(before);
    }

    @Test
    void answersFromMemoryOnlyWhatItHoldsAndNeverReadsTheStoreThen() {
        links.linkBlobs(List.of(new BlobLink(APP, BLOB, 1)), d -> true);
        manifests.putManifest(APP, manifest(), List.of(LATEST), ManifestDependencies.NONE);
        tags.resolveTag(APP, LATEST);
        int before = reads.get();
        List<Object> answers = new ArrayList<>();

        boolean held = MemoryOnly.attempt(() -> answers.add(tags.resolveTag(APP, LATEST)));
        boolean missed = MemoryOnly.attempt(() -> answers.add(manifests.manifest(APP, MANIFEST)));

        assertThat(held).isTrue();
        assertThat(missed).isFalse();
        assertThat(answers).containsExactly(Optional.of(MANIFEST));
        assertThat(reads.get()).isEqualTo(before);
        assertThat(manifests.manifest(APP, MANIFEST)).isPresent();
    }

    @Test
    void announcesEachWriteToTheOtherNodesByItsRepository() {
        links.linkBlobs(List.of(new BlobLink(APP, BLOB, 1)), d -> true);
        manifests.putManifest(APP, manifest(), List.of(LATEST), ManifestDependencies.NONE);

        assertThat(coherence.announced()).isNotEmpty().containsOnly(CacheChange.repository("acme/app"));
    }

    @Test
    void forgetsWhatAnotherNodeChangedAndOnlyThat() {
        links.linkBlobs(List.of(new BlobLink(APP, BLOB, 1)), d -> true);
        links.linkBlobs(List.of(new BlobLink(WEB, BLOB, 1)), d -> true);
        assertThat(tags.resolveTag(APP, LATEST)).isEmpty();
        assertThat(tags.resolveTag(WEB, LATEST)).isEmpty();
        // Another node pushes to APP, behind this cache.
        real.putManifest(APP, manifest(), List.of(LATEST), ManifestDependencies.NONE);
        int before = reads.get();

        coherence.tell(CacheChange.repository("acme/app"));

        assertThat(tags.resolveTag(APP, LATEST)).contains(MANIFEST);
        assertThat(tags.resolveTag(WEB, LATEST)).isEmpty();
        assertThat(reads.get()).as("only the changed repository read again").isEqualTo(before + 1);
    }

    @Test
    void forgetsEveryRepositoryOfARegistryAnotherNodeChangedAndEverythingOnAResync() {
        links.linkBlobs(List.of(new BlobLink(APP, BLOB, 1)), d -> true);
        links.linkBlobs(List.of(new BlobLink(WEB, BLOB, 1)), d -> true);
        assertThat(tags.resolveTag(APP, LATEST)).isEmpty();
        assertThat(tags.resolveTag(WEB, LATEST)).isEmpty();
        real.putManifest(APP, manifest(), List.of(LATEST), ManifestDependencies.NONE);
        real.putManifest(WEB, manifest(), List.of(LATEST), ManifestDependencies.NONE);

        coherence.tell(CacheChange.tenant("acme"));
        assertThat(tags.resolveTag(APP, LATEST)).contains(MANIFEST);
        assertThat(tags.resolveTag(WEB, LATEST)).as("another registry's answer is kept").isEmpty();

        coherence.tell(CacheChange.EVERYTHING);
        assertThat(tags.resolveTag(WEB, LATEST)).contains(MANIFEST);
    }

    @Test
    void readsTheStoreEveryTimeAndNeverOnTheEventLoopWhileItsCachesAreNotCurrent() {
        links.linkBlobs(List.of(new BlobLink(APP, BLOB, 1)), d -> true);
        manifests.putManifest(APP, manifest(), List.of(LATEST), ManifestDependencies.NONE);
        tags.resolveTag(APP, LATEST);
        coherence.current(false);
        int before = reads.get();

        assertThat(tags.resolveTag(APP, LATEST)).contains(MANIFEST);
        assertThat(tags.resolveTag(APP, LATEST)).contains(MANIFEST);
        assertThat(reads.get()).isEqualTo(before + 2);
        assertThat(MemoryOnly.attempt(() -> tags.resolveTag(APP, LATEST))).as("answered from memory").isFalse();

        coherence.current(true);
        tags.resolveTag(APP, LATEST);
        assertThat(MemoryOnly.attempt(() -> tags.resolveTag(APP, LATEST))).isTrue();
    }

    @Test
    void seesATagMoveAndADeleteOnTheNextRead() {
        links.linkBlobs(List.of(new BlobLink(APP, BLOB, 1)), d -> true);
        assertThat(tags.resolveTag(APP, LATEST)).isEmpty();
        manifests.putManifest(APP, manifest(), List.of(LATEST), ManifestDependencies.NONE);
        assertThat(tags.resolveTag(APP, LATEST)).contains(MANIFEST);
        assertThat(tags.listTags(APP, null, 10)).containsExactly(LATEST);

        tags.deleteTag(APP, LATEST);

        assertThat(tags.resolveTag(APP, LATEST)).isEmpty();
        assertThat(tags.listTags(APP, null, 10)).isEmpty();
    }

    @Test
    void seesAnUnlinkedBlobGoneOnTheNextRead() {
        links.linkBlobs(List.of(new BlobLink(APP, BLOB, 1)), d -> true);
        assertThat(links.linkedBlobSize(APP, BLOB)).hasValue(1);

        links.unlinkBlob(APP, BLOB);

        assertThat(links.linkedBlobSize(APP, BLOB)).isEmpty();
    }

    @Test
    void forgetsARegistryDeletedBehindItButKeepsOthers() {
        links.linkBlobs(List.of(new BlobLink(APP, BLOB, 1)), d -> true);
        links.linkBlobs(List.of(new BlobLink(WEB, BLOB, 1)), d -> true);
        links.linkedBlobSize(APP, BLOB);
        links.linkedBlobSize(WEB, BLOB);
        real.deleteRepository(APP);

        cache.invalidateRegistry("acme");
        int before = reads.get();

        assertThat(links.linkedBlobSize(APP, BLOB)).isEmpty();
        assertThat(links.linkedBlobSize(WEB, BLOB)).hasValue(1);
        assertThat(reads.get()).isEqualTo(before + 1);
    }

    @Test
    void holdsAnswersUpToItsBytesWeighingALongTagListAboveAShortOne() {
        MetadataCache small = new MetadataCache(coherence, 64 * 1024);
        TagStore cachedTags = small.over(new MetadataStores(real, real, real, real)).tags();
        List<Tag> many = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            many.add(Tag.parse("v" + i));
        }
        real.putManifest(APP, manifest(), many, ManifestDependencies.NONE);

        List<Tag> listed = cachedTags.listTags(APP, null, 1000);
        cachedTags.resolveTag(APP, LATEST);

        small.footprint().cache().cleanUp();
        assertThat(listed).hasSize(500);
        int listWeight = AnswerWeights.of(APP, null, 1000, listed);
        int resolveWeight = AnswerWeights.of(APP, LATEST, null, Optional.empty());
        assertThat(listWeight).as("500 tags of a few characters each").isBetween(500 * 40, 500 * 100);
        assertThat(resolveWeight).isLessThan(400);
        assertThat(small.footprint().limitBytes()).isEqualTo(64 * 1024);
        assertThat(small.footprint().entries()).isEqualTo(2);
        assertThat(small.footprint().bytes()).isEqualTo(listWeight + resolveWeight);

        for (int i = 0; i < 200; i++) {
            cachedTags.resolveTag(APP, Tag.parse("t" + i));
        }
        small.footprint().cache().cleanUp();
        assertThat(small.footprint().bytes()).as("evicted down to its bound").isLessThanOrEqualTo(64 * 1024);
    }
}
