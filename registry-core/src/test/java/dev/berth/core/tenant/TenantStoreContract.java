package dev.berth.core.tenant;

import dev.berth.core.listing.Listing;
import dev.berth.core.listing.PageRequest;
import dev.berth.core.metadata.ManifestRecord;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.name.Tag;
import dev.berth.core.testing.StoreContract;
import dev.berth.core.usage.HistoryEvent;
import dev.berth.core.user.Access;
import dev.berth.core.user.Permission;
import dev.berth.core.user.User;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every {@link TenantStore} does, the repository count and usage it reports included, and what a
 * registry's deletion takes with it from the other ports; an implementation's test extends this with its
 * {@link #open}. No registry exists when a case starts.
 */
public abstract class TenantStoreContract extends StoreContract {
    private static final Instant LATER = Instant.parse("2025-03-05T00:00:00Z");
    private static final String IMAGE = "application/vnd.oci.image.manifest.v1+json";

    @Test
    void createsAndFindsARegistry() {
        assertThat(tenants.create("acme", true, 1024L, NOW)).isTrue();
        assertThat(tenants.create("open", false, null, LATER)).isTrue();

        assertThat(tenants.find("acme")).contains(new TenantRegistry("acme", true, 1024L, 0, 0, NOW, NOW));
        assertThat(tenants.find("open")).contains(new TenantRegistry("open", false, null, 0, 0, LATER, LATER));
        assertThat(tenants.find("other")).isEmpty();
    }

    @Test
    void refusesATakenName() {
        assertThat(tenants.create("acme", false, null, NOW)).isTrue();

        assertThat(tenants.create("acme", true, 5L, LATER)).isFalse();

        assertThat(tenants.find("acme").orElseThrow().isPublic()).isFalse();
        assertThat(tenants.list(new PageRequest(1, 10, null), null).count()).isEqualTo(1);
    }

    @Test
    void listsByNameWithFiltersAndATotalOverAllPages() {
        for (String name : List.of("zulu", "acme-prod", "acme", "beta", "my.acme", "gamma")) {
            tenants.create(name, name.startsWith("acme") || name.equals("zulu"), null, NOW);
        }

        Listing<TenantRegistry> first = tenants.list(new PageRequest(1, 4, null), null);
        assertThat(first.count()).isEqualTo(6);
        assertThat(first.results()).extracting(TenantRegistry::name).containsExactly("acme", "acme-prod", "beta", "gamma");
        Listing<TenantRegistry> second = tenants.list(new PageRequest(2, 4, null), null);
        assertThat(second.count()).isEqualTo(6);
        assertThat(second.results()).extracting(TenantRegistry::name).containsExactly("my.acme", "zulu");
        assertThat(tenants.list(new PageRequest(3, 4, null), null).results()).isEmpty();
        assertThat(tenants.list(new PageRequest(Integer.MAX_VALUE, PageRequest.MAX_SIZE, null), null).results()).isEmpty();

        Listing<TenantRegistry> named = tenants.list(new PageRequest(1, 2, "ACM"), null);
        assertThat(named.count()).isEqualTo(3);
        assertThat(named.results()).extracting(TenantRegistry::name).containsExactly("acme", "acme-prod");

        Listing<TenantRegistry> open = tenants.list(new PageRequest(1, 10, null), true);
        assertThat(open.results()).extracting(TenantRegistry::name).containsExactly("acme", "acme-prod", "zulu");
        assertThat(open.count()).isEqualTo(3);
        Listing<TenantRegistry> closedAcme = tenants.list(new PageRequest(1, 10, "acme"), false);
        assertThat(closedAcme.results()).extracting(TenantRegistry::name).containsExactly("my.acme");
        assertThat(closedAcme.count()).isEqualTo(1);
    }

    @Test
    void updatesTheAccessLevelAndTheLimit() {
        tenants.create("acme", false, 100L, NOW);

        assertThat(tenants.update("acme", true, false, null, LATER)).isTrue();
        assertThat(tenants.find("acme").orElseThrow())
                .isEqualTo(new TenantRegistry("acme", true, 100L, 0, 0, NOW, LATER));

        assertThat(tenants.update("acme", null, true, 500L, LATER)).isTrue();
        assertThat(tenants.find("acme").orElseThrow().storageLimitBytes()).isEqualTo(500L);
        assertThat(tenants.find("acme").orElseThrow().isPublic()).isTrue();

        assertThat(tenants.update("acme", false, true, null, LATER)).isTrue();
        TenantRegistry unlimited = tenants.find("acme").orElseThrow();
        assertThat(unlimited.storageLimitBytes()).isNull();
        assertThat(unlimited.isPublic()).isFalse();

        assertThat(tenants.update("other", true, true, 1L, LATER)).isFalse();
        assertThat(tenants.find("other")).isEmpty();
    }

    @Test
    void countsTheRepositoriesAndTheUsageOfEachRegistry() {
        tenants.create("acme", false, null, NOW);
        tenants.create("acme-two", false, null, NOW);
        link(RepositoryName.parse("acme/app"), digest("a"), 10);
        link(RepositoryName.parse("acme/team/web"), digest("a"), 10);
        put(RepositoryName.parse("acme/only-manifest"), manifest("m"), null);
        link(RepositoryName.parse("acme-two/app"), digest("b"), 3);

        TenantRegistry acme = tenants.find("acme").orElseThrow();
        assertThat(acme.repoCount()).isEqualTo(3);
        assertThat(acme.storageUsedBytes()).isEqualTo(10);
        TenantRegistry two = tenants.list(new PageRequest(1, 10, "two"), null).results().get(0);
        assertThat(two.repoCount()).isEqualTo(1);
        assertThat(two.storageUsedBytes()).isEqualTo(3);

        metadata.repositories().deleteRepository(RepositoryName.parse("acme/app"));
        assertThat(tenants.find("acme").orElseThrow().repoCount()).isEqualTo(2);
    }

    @Test
    void deletesOnlyTheRegistryItNames() {
        tenants.create("acme", false, null, NOW);
        tenants.create("acme_x", false, null, NOW);
        tenants.create("acmexx", false, null, NOW);
        link(RepositoryName.parse("acmexx/app"), digest("c"), 1);
        link(RepositoryName.parse("acme/app"), digest("a"), 10);
        link(RepositoryName.parse("acme_x/app"), digest("b"), 20);

        assertThat(tenants.delete("acme_x")).isTrue();

        assertThat(tenants.find("acme_x")).isEmpty();
        assertThat(tenants.find("acme").orElseThrow().storageUsedBytes()).isEqualTo(10);
        assertThat(metadata.repositories().listRepositories(null, 10)).extracting(RepositoryName::value)
                .containsExactly("acme/app", "acmexx/app");
        assertThat(tenants.delete("acme_x")).isFalse();
        assertThat(tenants.delete("nobody")).isFalse();
    }

    @Test
    void deletesARegistryWithEverythingInItAndThePermissionsOnIt() {
        createRegistry("acme");
        createRegistry("beta");
        RepositoryName acmeApp = RepositoryName.parse("acme/app");
        RepositoryName acmeWeb = RepositoryName.parse("acme/team/web");
        RepositoryName betaApp = RepositoryName.parse("beta/app");
        ManifestRecord manifest = new ManifestRecord(digest("m"), IMAGE, 1, List.of(digest("config")), null, null,
                Map.of(), NOW);
        for (RepositoryName repository : List.of(acmeApp, acmeWeb, betaApp)) {
            link(repository, digest("layer"), 100);
            link(repository, manifest.digest(), 1);
            put(repository, manifest, "latest");
        }
        users.insert(new User("u-1", "ci", "", true, -1, null, NOW, NOW,
                List.of(new Permission("acme", Access.PUSH), new Permission("beta", Access.PULL)), "hash"));
        usage.appendHistory(List.of(new HistoryEvent(NOW, "acme", "push", "app", "latest", manifest.digest().value(), 1, "ci"),
                new HistoryEvent(NOW, "beta", "push", "app", "latest", manifest.digest().value(), 1, "ci")));

        assertThat(tenants.delete("acme")).isTrue();

        assertThat(tenants.find("acme")).isEmpty();
        assertThat(metadata.repositories().repositoryExists(acmeApp)).isFalse();
        assertThat(metadata.repositories().repositoryExists(acmeWeb)).isFalse();
        assertThat(metadata.manifests().manifest(acmeApp, manifest.digest())).isEmpty();
        assertThat(metadata.tags().resolveTag(acmeWeb, Tag.parse("latest"))).isEmpty();
        assertThat(metadata.blobLinks().linkedBlobSize(acmeApp, digest("layer"))).isEmpty();
        assertThat(metadata.blobLinks().registryLinksBlob("acme", digest("layer"))).isFalse();
        assertThat(users.find("u-1").orElseThrow().permissions()).containsExactly(new Permission("beta", Access.PULL));
        assertThat(metadata.repositories().listRepositories(null, 10)).containsExactly(betaApp);
        assertThat(tenants.find("beta").orElseThrow().storageUsedBytes()).isEqualTo(101);
        assertThat(metadata.tags().resolveTag(betaApp, Tag.parse("latest"))).contains(manifest.digest());
        assertThat(usage.history("beta", null, new PageRequest(1, 10, null)).count()).isEqualTo(1);
        assertThat(tenants.delete("acme")).isFalse();

        tenants.create("acme", false, null, NOW);
        assertThat(tenants.find("acme").orElseThrow().storageUsedBytes()).isZero();
        assertThat(usage.history("acme", null, new PageRequest(1, 10, null)).count()).isZero();
        assertThat(tenants.find("acme").orElseThrow().repoCount()).isZero();
    }

    private static ManifestRecord manifest(String seed) {
        return new ManifestRecord(digest(seed), IMAGE, 1, List.of(), null, null, Map.of(), NOW);
    }
}
