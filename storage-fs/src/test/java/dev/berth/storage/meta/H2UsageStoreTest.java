package dev.berth.storage.meta;

import dev.berth.core.catalog.ArtifactSummary;
import dev.berth.core.catalog.TagSummary;
import dev.berth.core.digest.Digest;
import dev.berth.core.listing.Listing;
import dev.berth.core.listing.PageRequest;
import dev.berth.core.metadata.ManifestDependencies;
import dev.berth.core.metadata.ManifestRecord;
import dev.berth.core.metadata.MetadataStores;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.name.Tag;
import dev.berth.core.usage.HistoryEvent;
import dev.berth.core.usage.PullRecord;
import dev.berth.storage.layout.DataLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class H2UsageStoreTest {
    private static final Instant T0 = Instant.parse("2025-03-04T05:06:07.123456Z");
    private static final Instant T1 = T0.plusSeconds(60);
    private static final Instant T2 = T0.plusSeconds(120);
    private static final RepositoryName APP = RepositoryName.parse("acme/app");
    private static final RepositoryName WEB = RepositoryName.parse("acme/web");

    @TempDir
    Path dataDir;
    private Database database;
    private MetadataStores metadata;
    private H2CatalogStore catalog;
    private H2UsageStore usage;

    @BeforeEach
    void setUp() throws IOException {
        database = Database.open(new DataLayout(dataDir));
        metadata = H2MetadataStores.over(database, new TestClock(T0));
        catalog = new H2CatalogStore(database);
        usage = new H2UsageStore(database);
        new H2TenantStore(database).create("acme", false, null, T0);
        new H2TenantStore(database).create("beta", false, null, T0);
    }

    @AfterEach
    void tearDown() {
        database.close();
    }

    @Test
    void countsPullsOfArtifactsTagsAndRepositories() {
        ManifestRecord one = manifest("one");
        ManifestRecord two = manifest("two");
        metadata.manifests().putManifest(APP, one, Tag.parse("latest"), ManifestDependencies.NONE);
        metadata.manifests().putManifest(APP, one, Tag.parse("v1"), ManifestDependencies.NONE);
        metadata.manifests().putManifest(APP, two, Tag.parse("v2"), ManifestDependencies.NONE);
        metadata.manifests().putManifest(WEB, one, null, ManifestDependencies.NONE);

        usage.recordPulls(List.of(new PullRecord(APP, one.digest(), "latest", 1, T2),
                new PullRecord(APP, one.digest(), null, 1, T1),
                new PullRecord(APP, two.digest(), "v2", 1, T1),
                new PullRecord(WEB, one.digest(), null, 1, T0)));
        usage.recordPulls(List.of(new PullRecord(APP, one.digest(), "latest", 5, T1)));

        assertThat(catalog.repository(APP).orElseThrow().pullCount()).isEqualTo(8);
        assertThat(catalog.repository(WEB).orElseThrow().pullCount()).isEqualTo(1);
        ArtifactSummary first = artifact(APP, one.digest());
        assertThat(first.pullCount()).isEqualTo(7);
        // The latest pull's time, whatever order the pulls are written in.
        assertThat(first.pulledAt()).isEqualTo(T2);
        assertThat(first.tags()).containsExactly(new TagSummary("latest", T0, T2), new TagSummary("v1", T0, null));
        ArtifactSummary second = artifact(APP, two.digest());
        assertThat(second.pullCount()).isEqualTo(1);
        assertThat(second.pulledAt()).isEqualTo(T1);
        assertThat(second.tags()).containsExactly(new TagSummary("v2", T0, T1));
        assertThat(artifact(WEB, one.digest()).pullCount()).isEqualTo(1);
        assertThat(artifact(WEB, one.digest()).pulledAt()).isEqualTo(T0);
    }

    @Test
    void countsPullsOfDeletedArtifactsOnTheRepositoryOnly() {
        ManifestRecord one = manifest("one");
        ManifestRecord two = manifest("two");
        metadata.manifests().putManifest(APP, one, Tag.parse("latest"), ManifestDependencies.NONE);
        metadata.manifests().putManifest(APP, two, null, ManifestDependencies.NONE);
        metadata.manifests().deleteManifest(APP, one.digest());
        // The tag moved away from what was pulled through it before the batch was written.
        metadata.manifests().putManifest(APP, two, Tag.parse("moved"), ManifestDependencies.NONE);

        usage.recordPulls(List.of(new PullRecord(APP, one.digest(), "latest", 1, T1),
                new PullRecord(APP, one.digest(), "moved", 1, T1),
                new PullRecord(RepositoryName.parse("acme/gone"), one.digest(), null, 1, T1)));

        assertThat(catalog.repository(APP).orElseThrow().pullCount()).isEqualTo(2);
        ArtifactSummary remaining = artifact(APP, two.digest());
        assertThat(remaining.pullCount()).isZero();
        assertThat(remaining.tags()).containsExactly(new TagSummary("moved", T0, null));
        assertThat(metadata.repositories().repositoryExists(RepositoryName.parse("acme/gone"))).isFalse();
        usage.recordPulls(List.of());
    }

    @Test
    void listsARegistrysHistoryNewestFirst() {
        List<HistoryEvent> events = new ArrayList<>();
        events.add(event(T0, "acme", "push", "app", "v1"));
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
                Map.of(), T0);
    }

    private static Digest digest(String seed) {
        return Digest.sha256Of(seed.getBytes(StandardCharsets.UTF_8));
    }
}
