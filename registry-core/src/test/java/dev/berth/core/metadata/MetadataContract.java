package dev.berth.core.metadata;

import dev.berth.core.digest.Digest;
import dev.berth.core.error.OciErrorCode;
import dev.berth.core.error.RegistryException;
import dev.berth.core.manifest.Descriptor;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.testing.StoreContract;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the contract tests of the four metadata ports share: the registries {@code library}, {@code acme} and
 * {@code beta}, created before each case, and the records they write. Each implementation runs every port's
 * contract ({@link RepositoryStoreContract}, {@link BlobLinkStoreContract}, {@link ManifestStoreContract},
 * {@link TagStoreContract}) by extending it with its own {@link #open}.
 */
public abstract class MetadataContract extends StoreContract {
    protected static final RepositoryName ALPINE = RepositoryName.parse("library/alpine");
    protected static final RepositoryName BUSYBOX = RepositoryName.parse("library/busybox");
    protected static final RepositoryName ACME_APP = RepositoryName.parse("acme/app");
    protected static final RepositoryName ACME_WEB = RepositoryName.parse("acme/team/web");
    protected static final RepositoryName BETA_APP = RepositoryName.parse("beta/app");
    protected static final String IMAGE_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

    @BeforeEach
    void createRegistries() {
        for (String registry : List.of("library", "acme", "beta")) {
            createRegistry(registry);
        }
    }

    /** A manifest named by {@code seed} that references the blob {@code config}. */
    protected static ManifestRecord manifest(String seed, Digest subject) {
        return new ManifestRecord(digest(seed), IMAGE_MANIFEST, seed.length(), List.of(digest("config")), subject,
                null, Map.of(), NOW);
    }

    protected static ManifestDependencies dependencies(Descriptor... blobs) {
        return new ManifestDependencies(List.of(blobs), List.of());
    }

    protected static Descriptor blob(String seed, long size) {
        return new Descriptor("application/octet-stream", digest(seed), size, null, null);
    }

    protected static void assertOci(ThrowingCallable call, OciErrorCode code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.ociCode()).contains(code));
    }

    /** Runs {@code count} tasks released at once, and waits for all; each task gets its index. */
    protected static void concurrently(int count, IndexedTask task) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(count);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                running.add(pool.submit((Callable<Void>) () -> {
                    start.await();
                    task.run(index);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : running) {
                future.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** One of the tasks of {@link #concurrently}. */
    protected interface IndexedTask {
        void run(int index) throws Exception;
    }
}
