package dev.berth.core.catalog;

import dev.berth.core.digest.Digest;
import dev.berth.core.error.RegistryException;
import dev.berth.core.listing.Listing;
import dev.berth.core.listing.PageRequest;
import dev.berth.core.metadata.MetadataStores;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.name.Tag;
import dev.berth.core.registry.RegistryService;
import dev.berth.core.tenant.TenantRegistry;
import dev.berth.core.tenant.TenantService;
import dev.berth.core.usage.HistoryEvent;
import dev.berth.core.usage.UsagePoint;
import dev.berth.core.usage.UsageRecorder;
import dev.berth.core.usage.UsageSeries;
import dev.berth.core.usage.UsageStore;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;

/**
 * The management plane's view of a registry's content: repositories, artifacts, tags, history and daily usage,
 * and their deletion. Repository names here are relative to the registry ({@code team/app} in {@code acme}).
 * Deleting an artifact or a tag goes through the same {@link RegistryService} code as an OCI {@code DELETE}.
 */
public final class CatalogService {
    private static final Set<String> ACTIONS = Set.of("push", "pull", "delete");
    /** The days of a usage series whose call names no {@code from}: the 30 days ending with its last. */
    public static final int DEFAULT_USAGE_DAYS = 30;
    /** The most days one usage series holds: a year, a leap day included; a client wanting more asks again. */
    public static final int MAX_USAGE_DAYS = 366;

    private final CatalogStore catalog;
    private final MetadataStores metadata;
    private final UsageStore usageStore;
    private final TenantService tenants;
    private final RegistryService registry;
    private final UsageRecorder usage;
    private final Clock clock;

    /** @param clock tells today, for the usage series */
    public CatalogService(CatalogStore catalog, MetadataStores metadata, UsageStore usageStore, TenantService tenants,
                          RegistryService registry, UsageRecorder usage, Clock clock) {
        this.catalog = catalog;
        this.metadata = metadata;
        this.usageStore = usageStore;
        this.tenants = tenants;
        this.registry = registry;
        this.usage = usage;
        this.clock = clock;
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

    /**
     * The registry's usage, one point per UTC day from {@code from} to {@code to} inclusive, oldest first (see
     * {@link UsageSeries}). {@code to} defaults to today, {@code from} to the {@value #DEFAULT_USAGE_DAYS} days
     * ending with {@code to}. A span that ends before it starts, or of more than {@value #MAX_USAGE_DAYS} days, is
     * malformed. Days after today are allowed (a client a time zone ahead of UTC may ask for its today): they show
     * the current usage and nothing counted.
     */
    public List<UsagePoint> dailyUsage(String registryName, LocalDate from, LocalDate to) {
        TenantRegistry tenant = tenants.get(registryName);
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        LocalDate last = to != null ? to : today;
        LocalDate first = from != null ? from : last.minusDays(DEFAULT_USAGE_DAYS - 1);
        if (last.isBefore(first)) {
            throw RegistryException.malformed("INVALID_PARAMETER", "to (" + last + ") is before from (" + first + ")"
                    + (to == null ? "; to defaults to today (UTC)" : ""));
        }
        if (ChronoUnit.DAYS.between(first, last) + 1 > MAX_USAGE_DAYS) {
            throw RegistryException.malformed("INVALID_PARAMETER", "from and to span more than " + MAX_USAGE_DAYS
                    + " days; ask for a longer span in several calls");
        }
        return UsageSeries.build(usageStore.dailyUsage(registryName, first, last), first, last,
                LocalDate.ofInstant(tenant.createdAt(), ZoneOffset.UTC), today, tenant.storageUsedBytes());
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
