package dev.berth.core.catalog;

import dev.berth.core.digest.Digest;
import dev.berth.core.error.Problem;
import dev.berth.core.error.RegistryException;
import dev.berth.core.listing.PageRequest;
import dev.berth.core.manifest.MediaTypes;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.name.Tag;
import dev.berth.core.testing.CoreFixture;
import dev.berth.core.testing.InMemoryCatalogStore;
import dev.berth.core.usage.HistoryEvent;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.berth.core.testing.CoreFixture.bytes;
import static dev.berth.core.testing.CoreFixture.imageManifest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CatalogServiceTest {
    private static final RepositoryName APP = RepositoryName.parse("acme/team/app");

    private final CoreFixture f = new CoreFixture().withRegistry("acme", null);
    private final CatalogService catalog = new CatalogService(new InMemoryCatalogStore(f.metadata), f.metadataStores, f.usageStore,
            f.tenants, f.registry, f.usage);

    private Digest push(RepositoryName repository, String tag, String layer) {
        Digest config = f.linkBlob(repository, "{}");
        Digest blob = f.linkBlob(repository, layer);
        byte[] body = bytes(imageManifest(config, 2, blob, layer.length()));
        return f.registry.putManifest(repository, Tag.parse(tag), MediaTypes.OCI_MANIFEST, body, "admin").digest();
    }

    private static void assertProblem(Runnable call, Problem kind, String code) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(RegistryException.class, e -> {
            assertThat(e.problem()).isEqualTo(kind);
            assertThat(e.code()).isEqualTo(code);
        });
    }

    @Test
    void deletesSomeRepositoriesAndReportsTheOthers() {
        push(APP, "v1", "a");
        push(RepositoryName.parse("acme/web"), "v1", "b");

        GroupResult result = catalog.deleteRepositories("acme", List.of("team/app", "missing", "web", "Bad/Name"), "admin");

        assertThat(result.done()).containsExactly("team/app", "web");
        assertThat(result.failed()).extracting(GroupResult.Failure::name).containsExactly("missing", "Bad/Name");
        assertThat(result.failed()).allSatisfy(failure -> assertThat(failure.error()).isNotBlank());
        assertThat(f.metadata.repositoryExists(APP)).isFalse();
        assertThat(f.tenantStore.usage("acme")).isZero();
    }

    @Test
    void deletesSomeArtifactsAndReportsTheOthers() {
        Digest v1 = push(APP, "v1", "a");
        Digest v2 = push(APP, "v2", "b");

        GroupResult result = catalog.deleteArtifacts("acme", "team/app",
                List.of(v1.value(), "sha256:nothex", v1.value(), v2.value()), "admin");

        assertThat(result.done()).containsExactly(v1.value(), v2.value());
        assertThat(result.failed()).extracting(GroupResult.Failure::name).containsExactly("sha256:nothex", v1.value());
        assertThat(f.metadata.manifest(APP, v1)).isEmpty();
    }

    @Test
    void groupActionsOnAnUnknownRegistryFailWhole() {
        assertProblem(() -> catalog.deleteRepositories("nope", List.of("x"), "admin"), Problem.NOT_FOUND, "REGISTRY_NOT_FOUND");
    }

    @Test
    void deletesATagOnlyWhenItPointsAtTheArtifact() {
        Digest v1 = push(APP, "v1", "a");
        Digest v2 = push(APP, "v2", "b");

        assertProblem(() -> catalog.deleteTag("acme", "team/app", v2.value(), "v1", "admin"), Problem.NOT_FOUND, "TAG_NOT_FOUND");
        catalog.deleteTag("acme", "team/app", v1.value(), "v1", "admin");

        assertThat(f.metadata.resolveTag(APP, Tag.parse("v1"))).isEmpty();
        assertThat(f.metadata.manifest(APP, v1)).isPresent();
        assertProblem(() -> catalog.deleteTag("acme", "team/app", v1.value(), ".bad", "admin"), Problem.NOT_FOUND, "TAG_NOT_FOUND");
    }

    @Test
    void deletingAnArtifactRemovesItsTags() {
        Digest v1 = push(APP, "v1", "a");

        catalog.deleteArtifact("acme", "team/app", v1.value(), "admin");

        assertThat(f.metadata.resolveTag(APP, Tag.parse("v1"))).isEmpty();
        assertProblem(() -> catalog.deleteArtifact("acme", "team/app", v1.value(), "admin"), Problem.NOT_FOUND, "ARTIFACT_NOT_FOUND");
    }

    @Test
    void answersNotFoundForAnUnknownRepository() {
        assertProblem(() -> catalog.repository("acme", "nope"), Problem.NOT_FOUND, "REPOSITORY_NOT_FOUND");
        assertProblem(() -> catalog.repository("acme", "Bad"), Problem.NOT_FOUND, "REPOSITORY_NOT_FOUND");
        assertProblem(() -> catalog.repository("nope", "x"), Problem.NOT_FOUND, "REGISTRY_NOT_FOUND");
    }

    @Test
    void recordsARepositoryDeletionInTheHistory() {
        push(APP, "v1", "a");

        catalog.deleteRepository("acme", "team/app", "admin");
        f.usage.flush();

        assertThat(catalog.history("acme", "delete", new PageRequest(1, 50, null)).results()).singleElement().satisfies(e -> {
            assertThat(e.repository()).isEqualTo("team/app");
            assertThat(e.reference()).isNull();
            assertThat(e.digest()).isNull();
        });
    }

    @Test
    void filtersHistoryByActionAndRefusesAnUnknownOne() {
        push(APP, "v1", "a");
        f.usage.flush();

        assertThat(catalog.history("acme", "push", new PageRequest(1, 50, null)).results())
                .extracting(HistoryEvent::action).containsExactly("push");
        assertThat(catalog.history("acme", "pull", new PageRequest(1, 50, null)).results()).isEmpty();
        assertProblem(() -> catalog.history("acme", "upload", new PageRequest(1, 50, null)), Problem.MALFORMED, "INVALID_ACTION");
    }
}
