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
import dev.berth.core.usage.PullRecord;
import dev.berth.core.usage.UploadedBytes;
import dev.berth.core.usage.UsagePoint;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

import static dev.berth.core.testing.CoreFixture.bytes;
import static dev.berth.core.testing.CoreFixture.imageManifest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CatalogServiceTest {
    private static final RepositoryName APP = RepositoryName.parse("acme/team/app");

    private final CoreFixture f = new CoreFixture().withRegistry("acme", null);
    private final CatalogService catalog = new CatalogService(new InMemoryCatalogStore(f.metadata), f.metadataStores, f.usageStore,
            f.tenants, f.registry, f.usage, f.clock);

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

    // ---- daily usage: the fixture's clock, and so the registry's creation, is 2026-05-30 22:00 UTC

    private static LocalDate day(String date) {
        return LocalDate.parse(date);
    }

    @Test
    void buildsOnePointPerDayCarryingStorageForwardAndZeroBeforeTheRegistryExisted() {
        f.usageStore.putStorage("acme", day("2026-05-30"), 50);
        f.usageStore.appendHistory(List.of(new HistoryEvent(Instant.parse("2026-05-31T10:00:00Z"), "acme", "push", "app",
                "v1", "sha256:x", 1, "admin")));
        f.usageStore.recordPulls(List.of(new PullRecord(APP, Digest.sha256Of(bytes("m")), "v1", 4,
                Instant.parse("2026-05-31T23:59:59Z"))));
        f.usageStore.addUploadedBytes(List.of(new UploadedBytes("acme", day("2026-06-01"), 300)));
        f.usageStore.putStorage("acme", day("2026-06-01"), 80);
        f.clock.set(Instant.parse("2026-06-03T10:00:00Z"));
        f.linkBlob(APP, "twelve bytes");

        List<UsagePoint> series = catalog.dailyUsage("acme", day("2026-05-28"), day("2026-06-03"));

        assertThat(series).containsExactly(
                new UsagePoint(day("2026-05-28"), 0, 0, 0, 0),
                new UsagePoint(day("2026-05-29"), 0, 0, 0, 0),
                new UsagePoint(day("2026-05-30"), 50, 0, 0, 0),
                new UsagePoint(day("2026-05-31"), 50, 1, 4, 0),
                new UsagePoint(day("2026-06-01"), 80, 0, 0, 300),
                new UsagePoint(day("2026-06-02"), 80, 0, 0, 0),
                // today: the current usage, not the last sample
                new UsagePoint(day("2026-06-03"), 12, 0, 0, 0));
    }

    @Test
    void carriesTheLastSampleBeforeTheSpanIntoItAndShowsTheCurrentUsageFromTodayOn() {
        f.usageStore.putStorage("acme", day("2026-05-31"), 80);
        f.clock.set(Instant.parse("2026-06-03T00:00:00Z"));

        assertThat(catalog.dailyUsage("acme", day("2026-06-02"), day("2026-06-04")))
                .extracting(UsagePoint::storageUsedBytes).containsExactly(80L, 0L, 0L);
        assertThat(catalog.dailyUsage("acme", day("2026-06-02"), day("2026-06-02")))
                .containsExactly(new UsagePoint(day("2026-06-02"), 80, 0, 0, 0));
    }

    @Test
    void coversTheThirtyDaysEndingTodayByDefaultAndEndsTodayWhenOnlyFromIsGiven() {
        f.clock.advance(Duration.ofDays(3)); // 2026-06-02 22:00

        List<UsagePoint> series = catalog.dailyUsage("acme", null, null);
        assertThat(series).hasSize(CatalogService.DEFAULT_USAGE_DAYS);
        assertThat(series.get(0).day()).isEqualTo(day("2026-05-04"));
        assertThat(series.get(29).day()).isEqualTo(day("2026-06-02"));

        assertThat(catalog.dailyUsage("acme", day("2026-05-31"), null)).extracting(UsagePoint::day)
                .containsExactly(day("2026-05-31"), day("2026-06-01"), day("2026-06-02"));
        List<UsagePoint> endingMayFirst = catalog.dailyUsage("acme", null, day("2026-05-01"));
        assertThat(endingMayFirst).hasSize(30);
        assertThat(endingMayFirst.get(0).day()).isEqualTo(day("2026-04-02"));
    }

    @Test
    void refusesASpanThatEndsBeforeItStartsOrIsLongerThanTheLimit() {
        assertProblem(() -> catalog.dailyUsage("acme", day("2026-05-02"), day("2026-05-01")), Problem.MALFORMED,
                "INVALID_PARAMETER");
        assertProblem(() -> catalog.dailyUsage("acme", day("2026-06-01"), null), Problem.MALFORMED, "INVALID_PARAMETER");
        assertThat(catalog.dailyUsage("acme", day("2025-05-31"), day("2026-05-31"))).hasSize(CatalogService.MAX_USAGE_DAYS);
        assertProblem(() -> catalog.dailyUsage("acme", day("2025-05-30"), day("2026-05-31")), Problem.MALFORMED,
                "INVALID_PARAMETER");
        assertProblem(() -> catalog.dailyUsage("nope", null, null), Problem.NOT_FOUND, "REGISTRY_NOT_FOUND");
    }
}
