package dev.berth.core.testing;

import dev.berth.core.catalog.ArtifactSummary;
import dev.berth.core.catalog.CatalogStore;
import dev.berth.core.catalog.RepositorySummary;
import dev.berth.core.listing.Listing;
import dev.berth.core.listing.PageRequest;
import dev.berth.core.metadata.RepositoryStore;
import dev.berth.core.name.RepositoryName;

import java.util.List;
import java.util.Optional;

/**
 * A read view over an {@link InMemoryMetadataStore}: names only, counters at zero, no artifacts. A partial
 * stand-in for service tests, not held to {@link dev.berth.core.catalog.CatalogStoreContract}.
 */
public final class InMemoryCatalogStore implements CatalogStore {
    private final RepositoryStore metadata;

    public InMemoryCatalogStore(RepositoryStore metadata) {
        this.metadata = metadata;
    }

    @Override
    public Listing<RepositorySummary> repositories(String registry, PageRequest page) {
        List<RepositorySummary> all = metadata.listRepositories(null, Integer.MAX_VALUE).stream()
                .filter(n -> n.registry().equals(registry))
                .map(n -> new RepositorySummary(n.value(), 0, 0, 0, null, null))
                .toList();
        return new Listing<>(all.size(), all.stream().skip(page.offset()).limit(page.size()).toList());
    }

    @Override
    public Optional<RepositorySummary> repository(RepositoryName name) {
        return metadata.repositoryExists(name) ? Optional.of(new RepositorySummary(name.value(), 0, 0, 0, null, null)) : Optional.empty();
    }

    @Override
    public Listing<ArtifactSummary> artifacts(RepositoryName repository, String tag, PageRequest page) {
        return new Listing<>(0, List.of());
    }
}
