package dev.berth.core.metadata;

import dev.berth.core.name.RepositoryName;
import dev.berth.core.name.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What every {@link RepositoryStore} does; an implementation's test extends this with its {@link #open}. */
public abstract class RepositoryStoreContract extends MetadataContract {
    private RepositoryStore repositories() {
        return metadata.repositories();
    }

    @Test
    void existsOnceSomethingIsPushedIntoIt() {
        assertThat(repositories().repositoryExists(ALPINE)).isFalse();

        link(ALPINE, digest("layer"), 1);
        put(BUSYBOX, manifest("m", null), null);

        assertThat(repositories().repositoryExists(ALPINE)).isTrue();
        assertThat(repositories().repositoryExists(BUSYBOX)).isTrue();
        assertThat(repositories().repositoryExists(ACME_APP)).isFalse();
    }

    @Test
    void listsRepositoriesInLexicalOrderPageByPage() {
        List<String> names = List.of("zeta/z", "library/busybox", "library/alpine", "a/b-c", "a/b", "a0/c");
        for (String registry : List.of("zeta", "a", "a0")) {
            createRegistry(registry);
        }
        for (String name : names) {
            link(RepositoryName.parse(name), digest("x"), 1);
        }

        assertThat(repositories().listRepositories(null, 100)).extracting(RepositoryName::value)
                .isEqualTo(names.stream().sorted().toList());
        assertThat(repositories().listRepositories(null, 2)).extracting(RepositoryName::value).containsExactly("a/b", "a/b-c");
        assertThat(repositories().listRepositories("a/b-c", 2)).extracting(RepositoryName::value)
                .containsExactly("a0/c", "library/alpine");
        assertThat(repositories().listRepositories("zeta/z", 2)).isEmpty();
        assertThat(repositories().listRepositories(null, 0)).isEmpty();
    }

    @Test
    void createsARepositoryOnceUnderConcurrentFirstPushes() throws Exception {
        int threads = 8;
        RepositoryName fresh = RepositoryName.parse("beta/fresh");

        concurrently(threads, i -> link(fresh, digest("layer " + i), 1));

        assertThat(repositories().listRepositories(null, 10)).containsExactly(fresh);
        for (int i = 0; i < threads; i++) {
            assertThat(metadata.blobLinks().linkedBlobSize(fresh, digest("layer " + i))).hasValue(1);
        }
    }

    @Test
    void deletesARepositoryAndGivesBackWhatNoOtherRepositoryLinks() {
        ManifestRecord manifest = manifest("m", null);
        link(ACME_APP, digest("config"), 10);
        link(ACME_APP, digest("layer"), 100);
        link(ACME_APP, manifest.digest(), 1);
        put(ACME_APP, manifest, "latest");
        link(ACME_WEB, digest("layer"), 100);
        assertThat(used("acme")).isEqualTo(111);

        assertThat(repositories().deleteRepository(ACME_APP)).isTrue();

        assertThat(used("acme")).isEqualTo(100);
        assertThat(repositories().repositoryExists(ACME_APP)).isFalse();
        assertThat(repositories().listRepositories(null, 10)).containsExactly(ACME_WEB);
        assertThat(metadata.manifests().manifest(ACME_APP, manifest.digest())).isEmpty();
        assertThat(metadata.tags().resolveTag(ACME_APP, Tag.parse("latest"))).isEmpty();
        assertThat(metadata.blobLinks().linkedBlobSize(ACME_APP, digest("config"))).isEmpty();
        assertThat(metadata.blobLinks().anyRepositoryLinking(digest("config"))).isEmpty();
        assertThat(metadata.blobLinks().registryLinksBlob("acme", digest("config"))).isFalse();
        assertThat(metadata.blobLinks().registryLinksBlob("acme", digest("layer"))).isTrue();
        assertThat(repositories().deleteRepository(ACME_APP)).isFalse();

        assertThat(repositories().deleteRepository(ACME_WEB)).isTrue();
        assertThat(used("acme")).isZero();
    }

    @Test
    void startsEmptyWhenCreatedAgainAfterItsDeletion() {
        ManifestRecord manifest = manifest("m", null);
        link(ALPINE, digest("layer"), 5);
        put(ALPINE, manifest, "latest");
        repositories().deleteRepository(ALPINE);

        link(ALPINE, digest("other"), 1);

        assertThat(metadata.blobLinks().linkedBlobSize(ALPINE, digest("layer"))).isEmpty();
        assertThat(metadata.tags().listTags(ALPINE, null, 10)).isEmpty();
        assertThat(metadata.manifests().manifest(ALPINE, manifest.digest())).isEmpty();
        assertThat(used("library")).isEqualTo(1);
    }
}
