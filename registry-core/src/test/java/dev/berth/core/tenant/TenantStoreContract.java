package dev.berth.core.tenant;

import dev.berth.core.listing.Listing;
import dev.berth.core.listing.PageRequest;
import dev.berth.core.metadata.ManifestRecord;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.testing.StoreContract;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every {@link TenantStore} does, the repository count and usage it reports included; an
 * implementation's test extends this with its {@link #open}. No registry exists when a case starts.
 */
public abstract class TenantStoreContract extends StoreContract {
    private static final Instant LATER = Instant.parse("2025-03-05T00:00:00Z");

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

    private static ManifestRecord manifest(String seed) {
        return new ManifestRecord(digest(seed), "application/vnd.oci.image.manifest.v1+json", 1, List.of(), null, null,
                Map.of(), NOW);
    }
}
