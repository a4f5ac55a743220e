package dev.berth.core.catalog;

import dev.berth.core.digest.Digest;
import dev.berth.core.error.RegistryException;
import dev.berth.core.listing.Listing;
import dev.berth.core.listing.PageRequest;
import dev.berth.core.metadata.MetadataStores;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.name.Tag;
import dev.berth.core.registry.RegistryService;
import dev.berth.core.tenant.TenantService;
import dev.berth.core.usage.HistoryEvent;
import dev.berth.core.usage.UsageRecorder;
import dev.berth.core.usage.UsageStore;

import java.util.List;
import java.util.Set;

/**
 * The management plane's view of a registry's content: repositories, artifacts, tags and history, and
 * their deletion. Repository names here are relative to the registry ({@code team/app} in {@code acme}).
 * Deleting an artifact or a tag goes through the same {@link RegistryService} code as an OCI {@code DELETE}.
 */
public final class CatalogService {
    private static final Set<String> ACTIONS = Set.of("push", "pull", "delete");

    private final CatalogStore catalog;
    private final MetadataStores metadata;
    private final UsageStore usageStore;
    private final TenantService tenants;
    private final RegistryService registry;
    private final UsageRecorder usage;

    public CatalogService(CatalogStore catalog, MetadataStores metadata, UsageStore usageStore, TenantService tenants,
                          RegistryService registry, UsageRecorder usage) {
        this.catalog = catalog;
        this.metadata = metadata;
        this.usageStore = usageStore;
        this.tenants = tenants;
        this.registry = registry;
        this.usage = usage;
    }

    public Listing<RepositorySummary> repositories(String registryName, PageRequest page) {
        tenants.get(registryName);
        return catalog.repositories(registryName, page);
    }

    public RepositorySummary repository(String registryName, String repository) {
        return catalog.repository(existing(registryName, repository))
                .orElseThrow(() -> RegistryException.notFound("repository", repository));
    }

    public void deleteRepository(String registryName, String repository, String actor) {
        RepositoryName name = existing(registryName, repository);
        if (!metadata.repositories().deleteRepository(name)) {
            throw RegistryException.notFound("repository", repository);
        }
        usage.deleted(name, null, null, 0, actor);
    }

    public GroupResult deleteRepositories(String registryName, List<String> repositories, String actor) {
        tenants.get(registryName);
        return GroupResult.of(repositories, name -> deleteRepository(registryName, name, actor));
    }

    public Listing<ArtifactSummary> artifacts(String registryName, String repository, String tag, PageRequest page) {
        return catalog.artifacts(existing(registryName, repository), tag, page);
    }

    /** Deletes an artifact and its tags, and unlinks the blobs only it used (outside the grace period). */
    public void deleteArtifact(String registryName, String repository, String digest, String actor) {
        RepositoryName name = existing(registryName, repository);
        if (!registry.deleteManifest(name, artifact(digest), actor)) {
            throw RegistryException.notFound("artifact", digest);
        }
    }

    public GroupResult deleteArtifacts(String registryName, String repository, List<String> digests, String actor) {
        existing(registryName, repository);
        return GroupResult.of(digests, digest -> deleteArtifact(registryName, repository, digest, actor));
    }

    /** Removes one tag of an artifact; the artifact stays. 404 unless the tag points at that artifact. */
    public void deleteTag(String registryName, String repository, String digest, String tag, String actor) {
        RepositoryName name = existing(registryName, repository);
        Digest artifact = artifact(digest);
        boolean tagsArtifact = Tag.isValid(tag) && metadata.tags().resolveTag(name, Tag.parse(tag)).map(artifact::equals).orElse(false);
        if (!tagsArtifact || !registry.deleteManifest(name, Tag.parse(tag), actor)) {
            throw RegistryException.notFound("tag", tag);
        }
    }

    public Listing<HistoryEvent> history(String registryName, String action, PageRequest page) {
        tenants.get(registryName);
        if (action != null && !ACTIONS.contains(action)) {
            throw RegistryException.malformed("INVALID_ACTION", "action is one of push, pull, delete");
        }
        return usageStore.history(registryName, action, page);
    }

    /** The repository, which must exist; a name that breaks the grammar names none. */
    private RepositoryName existing(String registryName, String repository) {
        tenants.get(registryName);
        return RepositoryName.tryParse(registryName + "/" + repository)
                .filter(metadata.repositories()::repositoryExists)
                .orElseThrow(() -> RegistryException.notFound("repository", repository));
    }

    /** The artifact's digest; a malformed one names no artifact. */
    private static Digest artifact(String digest) {
        return Digest.tryParse(digest).orElseThrow(() -> RegistryException.notFound("artifact", digest));
    }

}
