package dev.berth.core.usage;

import dev.berth.core.catalog.ArtifactSummary;
import dev.berth.core.catalog.TagSummary;
import dev.berth.core.digest.Digest;
import dev.berth.core.listing.Listing;
import dev.berth.core.listing.PageRequest;
import dev.berth.core.metadata.ManifestRecord;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.testing.StoreContract;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every {@link UsageStore} does: pull counters, read back through the catalog port, the registries'
 * history, and their daily usage. An implementation's test extends this with its {@link #open}. The registries {@code acme} and
 * {@code beta} exist when a case starts.
 */
public abstract class UsageStoreContract extends StoreContract {
    private static final Instant T1 = NOW.plusSeconds(60);
    private static final Instant T2 = NOW.plusSeconds(120);
    private static final RepositoryName APP = RepositoryName.parse("acme/app");
    private static final RepositoryName WEB = RepositoryName.parse("acme/web");
    private static final LocalDate DAY = LocalDate.parse("2025-03-04");
    private static final LocalDate NEXT_DAY = DAY.plusDays(1);
    private static final Instant NEXT_DAY_AT = NOW.plus(Duration.ofDays(1));

    @BeforeEach
    void createRegistries() {
        createRegistry("acme");
        createRegistry("beta");
    }

    @Test
    void countsPullsOfArtifactsTagsAndRepositories() {
        ManifestRecord one = manifest("one");
        ManifestRecord two = manifest("two");
        put(APP, one, "latest");
        put(APP, one, "v1");
        put(APP, two, "v2");
        put(WEB, one, null);

        usage.recordPulls(List.of(new PullRecord(APP, one.digest(), "latest", 1, T2),
                new PullRecord(APP, one.digest(), null, 1, T1),
                new PullRecord(APP, two.digest(), "v2", 1, T1),
                new PullRecord(WEB, one.digest(), null, 1, NOW)));
        usage.recordPulls(List.of(new PullRecord(APP, one.digest(), "latest", 5, T1)));

        assertThat(catalog.repository(APP).orElseThrow().pullCount()).isEqualTo(8);
        assertThat(catalog.repository(WEB).orElseThrow().pullCount()).isEqualTo(1);
        ArtifactSummary first = artifact(APP, one.digest());
        assertThat(first.pullCount()).isEqualTo(7);
        // The latest pull's time, whatever order the pulls are written in.
        assertThat(first.pulledAt()).isEqualTo(T2);
        assertThat(first.tags()).containsExactly(new TagSummary("latest", NOW, T2), new TagSummary("v1", NOW, null));
        ArtifactSummary second = artifact(APP, two.digest());
        assertThat(second.pullCount()).isEqualTo(1);
        assertThat(second.pulledAt()).isEqualTo(T1);
        assertThat(second.tags()).containsExactly(new TagSummary("v2", NOW, T1));
        assertThat(artifact(WEB, one.digest()).pullCount()).isEqualTo(1);
        assertThat(artifact(WEB, one.digest()).pulledAt()).isEqualTo(NOW);
    }

    @Test
    void countsPullsOfDeletedArtifactsOnTheRepositoryOnly() {
        ManifestRecord one = manifest("one");
        ManifestRecord two = manifest("two");
        put(APP, one, "latest");
        put(APP, two, null);
        metadata.manifests().deleteManifest(APP, one.digest());
        // The tag moved away from what was pulled through it before the batch was written.
        put(APP, two, "moved");

        usage.recordPulls(List.of(new PullRecord(APP, one.digest(), "latest", 1, T1),
                new PullRecord(APP, one.digest(), "moved", 1, T1),
                new PullRecord(RepositoryName.parse("acme/gone"), one.digest(), null, 1, T1)));

        assertThat(catalog.repository(APP).orElseThrow().pullCount()).isEqualTo(2);
        ArtifactSummary remaining = artifact(APP, two.digest());
        assertThat(remaining.pullCount()).isZero();
        assertThat(remaining.tags()).containsExactly(new TagSummary("moved", NOW, null));
        assertThat(metadata.repositories().repositoryExists(RepositoryName.parse("acme/gone"))).isFalse();
        usage.recordPulls(List.of());
    }

    @Test
    void listsARegistrysHistoryNewestFirst() {
        List<HistoryEvent> events = new ArrayList<>();
        events.add(event(NOW, "acme", "push", "app", "v1"));
        events.add(event(T2, "acme", "pull", "app", "v1"));
        events.add(event(T1, "acme", "delete", "web", null));
        events.add(event(T2, "acme", "push", "web", "v2"));
        events.add(event(T1, "beta", "push", "app", "v1"));
        events.add(event(T1, "nowhere", "push", "app", "v1"));
        usage.appendHistory(events);
        usage.appendHistory(List.of());

        Listing<HistoryEvent> first = usage.history("acme", null, new PageRequest(1, 3, null));

        assertThat(first.count()).isEqualTo(4);
        // Equal times: the later appended first.
        assertThat(first.results()).containsExactly(events.get(3), events.get(1), events.get(2));
        assertThat(usage.history("acme", null, new PageRequest(2, 3, null)).results()).containsExactly(events.get(0));
        Listing<HistoryEvent> pushes = usage.history("acme", "push", new PageRequest(1, 10, null));
        assertThat(pushes.count()).isEqualTo(2);
        assertThat(pushes.results()).containsExactly(events.get(3), events.get(0));
        assertThat(usage.history("acme", null, new PageRequest(1, 10, "WE")).results())
                .containsExactly(events.get(3), events.get(2));
        assertThat(usage.history("beta", null, new PageRequest(1, 10, null)).results()).containsExactly(events.get(4));
        assertThat(usage.history("nowhere", null, new PageRequest(1, 10, null)).count()).isZero();
    }

    @Test
    void prunesTheOldestHistoryFirstAndKeepsThePullCounters() {
        ManifestRecord one = manifest("one");
        put(APP, one, "latest");
        usage.recordPulls(List.of(new PullRecord(APP, one.digest(), "latest", 3, NOW)));
        List<HistoryEvent> events = List.of(event(NOW, "acme", "pull", "app", "latest"),
                event(T1, "beta", "push", "app", "v1"), event(T1, "acme", "push", "web", "v2"),
                event(T2, "acme", "pull", "app", "latest"));
        usage.appendHistory(events);

        assertThat(usage.pruneHistory(T2, 2)).isEqualTo(2);
        assertThat(usage.pruneHistory(T2, 2)).isEqualTo(1);
        assertThat(usage.pruneHistory(T2, 2)).isZero();

        assertThat(usage.history("acme", null, new PageRequest(1, 10, null)).results()).containsExactly(events.get(3));
        assertThat(usage.history("beta", null, new PageRequest(1, 10, null)).count()).isZero();
        assertThat(catalog.repository(APP).orElseThrow().pullCount()).isEqualTo(3);
        assertThat(artifact(APP, one.digest()).pulledAt()).isEqualTo(NOW);
    }

    // ---- daily usage

    @Test
    void addsPullsPushesAndUploadedBytesToTheirRegistrysUtcDay() {
        ManifestRecord one = manifest("one");
        put(APP, one, "latest");
        // Twice per kind: the second batch adds to the rows the first inserted.
        for (int batch = 0; batch < 2; batch++) {
            usage.recordPulls(List.of(new PullRecord(APP, one.digest(), "latest", 3, T1),
                    new PullRecord(WEB, one.digest(), null, 1, T2), // a repository that does not exist: still the registry's
                    new PullRecord(APP, one.digest(), "latest", 5, NEXT_DAY_AT),
                    new PullRecord(RepositoryName.parse("beta/app"), one.digest(), null, 2, T1)));
            usage.appendHistory(List.of(event(T1, "acme", "push", "app", "v1"), event(T2, "acme", "push", "web", "v1"),
                    event(T1, "acme", "pull", "app", "v1"), event(T1, "acme", "delete", "app", "v1"),
                    event(NEXT_DAY_AT, "beta", "push", "app", "v1"), event(T1, "nowhere", "push", "app", "v1")));
            usage.addUploadedBytes(List.of(new UploadedBytes("acme", DAY, 100), new UploadedBytes("acme", DAY, 20),
                    new UploadedBytes("beta", NEXT_DAY, 7), new UploadedBytes("nowhere", DAY, 1)));
        }
        usage.addUploadedBytes(List.of());

        assertThat(usage.dailyUsage("acme", DAY.minusDays(1), NEXT_DAY)).isEqualTo(new DailyUsageRows(null, List.of(
                new DailyUsage(DAY, null, 4, 8, 240), new DailyUsage(NEXT_DAY, null, 0, 10, 0))));
        assertThat(usage.dailyUsage("beta", DAY, NEXT_DAY).days()).containsExactly(
                new DailyUsage(DAY, null, 0, 4, 0), new DailyUsage(NEXT_DAY, null, 2, 0, 14));
        // Inclusive bounds.
        assertThat(usage.dailyUsage("acme", NEXT_DAY, NEXT_DAY).days()).extracting(DailyUsage::day).containsExactly(NEXT_DAY);
        assertThat(usage.dailyUsage("acme", DAY, DAY).days()).extracting(DailyUsage::day).containsExactly(DAY);
        assertThat(usage.dailyUsage("nowhere", DAY, NEXT_DAY)).isEqualTo(new DailyUsageRows(null, List.of()));
    }

    @Test
    void samplesStorageIntoTheDayOnlyWhereItDiffersFromTheLatestSample() {
        link(APP, digest("layer"), 100);
        usage.addUploadedBytes(List.of(new UploadedBytes("acme", DAY, 100)));

        usage.sampleStorage(DAY);
        usage.sampleStorage(DAY);
        // Unchanged since the day before: nothing written.
        usage.sampleStorage(NEXT_DAY);

        // The sample went into the row the upload made; beta, empty and never sampled, has no row.
        assertThat(usage.dailyUsage("acme", DAY, NEXT_DAY).days()).containsExactly(new DailyUsage(DAY, 100L, 0, 0, 100));
        assertThat(usage.dailyUsage("beta", DAY, NEXT_DAY).days()).isEmpty();

        link(WEB, digest("other"), 50);
        usage.sampleStorage(NEXT_DAY);
        metadata.blobLinks().unlinkBlob(WEB, digest("other"));
        metadata.blobLinks().unlinkBlob(APP, digest("layer"));
        LocalDate third = NEXT_DAY.plusDays(1);
        usage.sampleStorage(third);

        assertThat(usage.dailyUsage("acme", DAY, third).days()).containsExactly(new DailyUsage(DAY, 100L, 0, 0, 100),
                new DailyUsage(NEXT_DAY, 150L, 0, 0, 0), new DailyUsage(third, 0L, 0, 0, 0));
        // The latest sample before a span, to carry into it.
        assertThat(usage.dailyUsage("acme", third.plusDays(1), third.plusDays(2)))
                .isEqualTo(new DailyUsageRows(0L, List.of()));
        assertThat(usage.dailyUsage("acme", third, third).storageSampledBefore()).isEqualTo(150L);
        assertThat(usage.dailyUsage("acme", DAY, DAY).storageSampledBefore()).isNull();
    }

    @Test
    void aRegistrysDeletionDeletesItsDays() {
        link(APP, digest("layer"), 100);
        usage.sampleStorage(DAY);
        usage.addUploadedBytes(List.of(new UploadedBytes("acme", NEXT_DAY, 100), new UploadedBytes("beta", DAY, 5)));

        assertThat(tenants.delete("acme")).isTrue();
        createRegistry("acme");

        assertThat(usage.dailyUsage("acme", DAY.minusDays(1), NEXT_DAY.plusDays(1))).isEqualTo(new DailyUsageRows(null, List.of()));
        assertThat(usage.dailyUsage("beta", DAY, DAY).days()).containsExactly(new DailyUsage(DAY, null, 0, 0, 5));
    }

    private ArtifactSummary artifact(RepositoryName repository, Digest digest) {
        return catalog.artifacts(repository, null, new PageRequest(1, 100, null)).results().stream()
                .filter(a -> a.digest().equals(digest)).findFirst().orElseThrow();
    }

    private static HistoryEvent event(Instant time, String registry, String action, String repository, String reference) {
        return new HistoryEvent(time, registry, action, repository, reference,
                "delete".equals(action) ? null : digest(repository).value(), 42, "ci-bot");
    }

    private static ManifestRecord manifest(String seed) {
        return new ManifestRecord(digest(seed), "application/vnd.oci.image.manifest.v1+json", 1, List.of(), null, null,
                Map.of(), NOW);
    }
}
