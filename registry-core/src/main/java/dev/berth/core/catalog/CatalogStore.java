package dev.berth.core.catalog;

import dev.berth.core.listing.Listing;
import dev.berth.core.listing.PageRequest;
import dev.berth.core.name.RepositoryName;

import java.util.Optional;

/** The management plane's read views of repositories and artifacts, with their counters. */
public interface CatalogStore {
    /** The registry's repositories ordered by name; the name filter applies to the name within the registry. */
    Listing<RepositorySummary> repositories(String registry, PageRequest page);

    Optional<RepositorySummary> repository(RepositoryName name);

    /**
     * The repository's artifacts, newest push first; when {@code tag} is not null, only the one it points at;
     * the page's name filter keeps those with the fragment in their digest or in one of their tags.
     */
    Listing<ArtifactSummary> artifacts(RepositoryName repository, String tag, PageRequest page);
}
