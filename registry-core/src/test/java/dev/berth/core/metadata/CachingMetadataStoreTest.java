package dev.berth.core.metadata;

import dev.berth.core.digest.Digest;
import dev.berth.core.memory.MemoryOnly;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.name.Tag;
import dev.berth.core.testing.InMemoryMetadataStore;
import dev.berth.core.testing.InMemoryTenantStore;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class CachingMetadataStoreTest {
    private static final RepositoryName APP = RepositoryName.parse("acme/app");
    private static final RepositoryName WEB = RepositoryName.parse("other/web");
    private static final Digest BLOB = Digest.sha256Of(new byte[] {1});
    private static final Digest MANIFEST = Digest.sha256Of(new byte[] {2});
    private static final Tag LATEST = Tag.parse("latest");

    private final AtomicInteger reads = new AtomicInteger();
    private final InMemoryMetadataStore real = new InMemoryMetadataStore(new InMemoryTenantStore(), Clock.systemUTC());
    private final CachingMetadataStore cache = new CachingMetadataStore(counting(real));

    /** The real store, counting the calls that reach it. */
    private MetadataStore counting(MetadataStore store) {
        return (MetadataStore) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {MetadataStore.class},
                (proxy, method, args) -> {
                    reads.incrementAndGet();
                    try {
                        return method.invoke(store, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static ManifestRecord manifest() {
        return new ManifestRecord(MANIFEST, "application/vnd.oci.image.manifest.v1+json", 2, List.of(BLOB), null, null,
                Map.of(), Instant.EPOCH);
    }

    @Test
    void answersARepeatedPullReadFromMemory() {
        cache.linkBlobs(List.of(new BlobLink(APP, BLOB, 1)));
        cache.putManifest(APP, manifest(), LATEST, ManifestDependencies.NONE);
        cache.resolveTag(APP, LATEST);
        cache.manifest(APP, MANIFEST);
        cache.linkedBlobSize(APP, BLOB);
        int before = reads.get();

        assertThat(cache.resolveTag(APP, LATEST)).contains(MANIFEST);
        assertThat(cache.manifest(APP, MANIFEST)).isPresent();
        assertThat(cache.linkedBlobSize(APP, BLOB)).hasValue(1);
        assertThat(reads.get()).isEqualTo(before);
    }

    @Test
    void answersFromMemoryOnlyWhatItHoldsAndNeverReadsTheStoreThen() {
        cache.linkBlobs(List.of(new BlobLink(APP, BLOB, 1)));
        cache.putManifest(APP, manifest(), LATEST, ManifestDependencies.NONE);
        cache.resolveTag(APP, LATEST);
        int before = reads.get();
        List<Object> answers = new ArrayList<>();

        boolean held = MemoryOnly.attempt(() -> answers.add(cache.resolveTag(APP, LATEST)));
        boolean missed = MemoryOnly.attempt(() -> answers.add(cache.manifest(APP, MANIFEST)));

        assertThat(held).isTrue();
        assertThat(missed).isFalse();
        assertThat(answers).containsExactly(Optional.of(MANIFEST));
        assertThat(reads.get()).isEqualTo(before);
        assertThat(cache.manifest(APP, MANIFEST)).isPresent();
    }

    @Test
    void seesATagMoveAndADeleteOnTheNextRead() {
        cache.linkBlobs(List.of(new BlobLink(APP, BLOB, 1)));
        assertThat(cache.resolveTag(APP, LATEST)).isEmpty();
        cache.putManifest(APP, manifest(), LATEST, ManifestDependencies.NONE);
        assertThat(cache.resolveTag(APP, LATEST)).contains(MANIFEST);
        assertThat(cache.listTags(APP, null, 10)).containsExactly(LATEST);

        cache.deleteTag(APP, LATEST);

        assertThat(cache.resolveTag(APP, LATEST)).isEmpty();
        assertThat(cache.listTags(APP, null, 10)).isEmpty();
    }

    @Test
    void seesAnUnlinkedBlobGoneOnTheNextRead() {
        cache.linkBlobs(List.of(new BlobLink(APP, BLOB, 1)));
        assertThat(cache.linkedBlobSize(APP, BLOB)).hasValue(1);

        cache.unlinkBlob(APP, BLOB);

        assertThat(cache.linkedBlobSize(APP, BLOB)).isEmpty();
    }

    @Test
    void forgetsARegistryDeletedBehindItButKeepsOthers() {
        cache.linkBlobs(List.of(new BlobLink(APP, BLOB, 1)));
        cache.linkBlobs(List.of(new BlobLink(WEB, BLOB, 1)));
        cache.linkedBlobSize(APP, BLOB);
        cache.linkedBlobSize(WEB, BLOB);
        real.deleteRepository(APP);

        cache.invalidateRegistry("acme");
        int before = reads.get();

        assertThat(cache.linkedBlobSize(APP, BLOB)).isEmpty();
        assertThat(cache.linkedBlobSize(WEB, BLOB)).hasValue(1);
        assertThat(reads.get()).isEqualTo(before + 1);
    }
}
