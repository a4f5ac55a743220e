package dev.berth.core.testing;

import dev.berth.core.digest.Digest;
import dev.berth.core.metadata.BlobLink;
import dev.berth.core.metadata.ManifestDependencies;
import dev.berth.core.metadata.ManifestRecord;
import dev.berth.core.metadata.RepositoryContents;
import dev.berth.core.error.RegistryException;
import dev.berth.core.metadata.BlobLinkStore;
import dev.berth.core.metadata.LinkCommit;
import dev.berth.core.metadata.ManifestStore;
import dev.berth.core.metadata.MetadataStores;
import dev.berth.core.metadata.RepositoryStore;
import dev.berth.core.metadata.TagStore;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.name.Tag;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Repositories, blob links, manifests and tags in maps, one monitor standing for the transaction: the four
 * metadata ports in one object ({@link #asStores}). Like the real stores it charges a registry's usage (in
 * {@link InMemoryTenantStore}) when a blob is new to the registry and gives it back when the last link in the
 * registry goes, and writes nothing into a registry that does not exist.
 */
public final class InMemoryMetadataStore implements RepositoryStore, BlobLinkStore, ManifestStore, TagStore {
    private record Link(long size, Instant linkedAt) {
    }

    private static final class Repo {
        final Map<Digest, Link> blobs = new HashMap<>();
        final Map<Digest, ManifestRecord> manifests = new HashMap<>();
        final TreeMap<String, Digest> tags = new TreeMap<>();
    }

    private final TreeMap<String, Repo> repos = new TreeMap<>();
    private final InMemoryTenantStore tenants;
    private final Clock clock;
    private int linkCommits;
    private volatile Runnable beforeLinkCommit = () -> { };
    private volatile Runnable linksDurable = () -> { };

    public InMemoryMetadataStore(InMemoryTenantStore tenants, Clock clock) {
        this.tenants = tenants;
        this.clock = clock;
    }

    /** This store as the four ports. */
    public MetadataStores asStores() {
        return new MetadataStores(this, this, this, this);
    }

    /** Refuses a write into a registry that does not exist, as the real stores do. */
    private void requireRegistry(RepositoryName repository) {
        if (!tenants.exists(repository.registry())) {
            throw RegistryException.nameUnknown(repository.registry());
        }
    }

    @Override
    public synchronized boolean repositoryExists(RepositoryName repository) {
        return repos.containsKey(repository.value());
    }

    @Override
    public synchronized List<RepositoryName> listRepositories(String last, int limit) {
        var tail = last == null ? repos : repos.tailMap(last, false);
        return tail.keySet().stream().limit(limit).map(RepositoryName::new).toList();
    }

    @Override
    public LinkCommit commitLinks(List<BlobLink> links, Predicate<Digest> stored) {
        beforeLinkCommit.run();
        Runnable durable = linksDurable;
        return new LinkCommit(writeLinks(links, stored), durable::run);
    }

    private synchronized List<BlobLink> writeLinks(List<BlobLink> links, Predicate<Digest> stored) {
        linkCommits++;
        links.forEach(link -> requireRegistry(link.repository()));
        List<BlobLink> gone = new ArrayList<>();
        for (BlobLink link : links) {
            RepositoryName repository = link.repository();
            if (anyRepositoryLinking(link.digest()).isEmpty() && !stored.test(link.digest())) {
                gone.add(link);
                continue;
            }
            if (!registryLinksBlob(repository.registry(), link.digest())) {
                tenants.addUsage(repository.registry(), link.size());
            }
            repos.computeIfAbsent(repository.value(), r -> new Repo()).blobs.put(link.digest(), new Link(link.size(), clock.instant()));
        }
        return gone;
    }

    /** Runs at the start of every {@link #commitLinks}, to hold a commit midway in tests of what queues behind it. */
    public void beforeLinkCommit(Runnable hook) {
        beforeLinkCommit = hook;
    }

    /** Runs {@code hook} in each wait for committed links to be durable ({@link LinkCommit#durable}). */
    public void whileLinksBecomeDurable(Runnable hook) {
        linksDurable = hook;
    }

    /** How many link transactions ran (each {@link #commitLinks} call is one). */
    public synchronized int linkCommits() {
        return linkCommits;
    }

    @Override
    public synchronized boolean registryLinksBlob(String registry, Digest digest) {
        return repos.entrySet().stream()
                .anyMatch(e -> new RepositoryName(e.getKey()).registry().equals(registry) && e.getValue().blobs.containsKey(digest));
    }

    @Override
    public synchronized OptionalLong linkedBlobSize(RepositoryName repository, Digest digest) {
        Repo repo = repos.get(repository.value());
        Link link = repo == null ? null : repo.blobs.get(digest);
        return link == null ? OptionalLong.empty() : OptionalLong.of(link.size());
    }

    @Override
    public synchronized Optional<RepositoryName> anyRepositoryLinking(Digest digest) {
        return repos.entrySet().stream().filter(e -> e.getValue().blobs.containsKey(digest))
                .map(e -> new RepositoryName(e.getKey())).findFirst();
    }

    @Override
    public synchronized boolean unlinkBlob(RepositoryName repository, Digest digest) {
        Repo repo = repos.get(repository.value());
        Link link = repo == null ? null : repo.blobs.remove(digest);
        if (link == null) {
            return false;
        }
        if (!registryLinksBlob(repository.registry(), digest)) {
            tenants.addUsage(repository.registry(), -link.size());
        }
        return true;
    }

    @Override
    public synchronized List<Digest> unlinkUnreferencedBlobs(RepositoryName repository, Instant linkedBefore,
                                                             ManifestRecord deleted) {
        Repo repo = repos.get(repository.value());
        if (repo == null) {
            return List.of();
        }
        Set<Digest> kept = new HashSet<>(repo.manifests.keySet());
        repo.manifests.values().forEach(m -> kept.addAll(m.references()));
        List<Digest> unlinked = new ArrayList<>();
        for (Map.Entry<Digest, Link> link : List.copyOf(repo.blobs.entrySet())) {
            boolean deletedManifest = deleted != null && deleted.digest().equals(link.getKey())
                    && !link.getValue().linkedAt().isAfter(deleted.pushedAt());
            if (!kept.contains(link.getKey()) && (link.getValue().linkedAt().isBefore(linkedBefore) || deletedManifest)) {
                unlinkBlob(repository, link.getKey());
                unlinked.add(link.getKey());
            }
        }
        return unlinked;
    }

    @Override
    public synchronized boolean deleteRepository(RepositoryName repository) {
        Repo repo = repos.get(repository.value());
        if (repo == null) {
            return false;
        }
        for (Digest digest : List.copyOf(repo.blobs.keySet())) {
            unlinkBlob(repository, digest);
        }
        repos.remove(repository.value());
        return true;
    }

    @Override
    public synchronized void putManifest(RepositoryName repository, ManifestRecord manifest, List<Tag> tags,
                                         ManifestDependencies dependencies) {
        requireRegistry(repository);
        Repo existing = repos.get(repository.value());
        dependencies.verify(new RepositoryContents() {
            @Override
            public OptionalLong linkedBlobSize(Digest digest) {
                Link link = existing == null ? null : existing.blobs.get(digest);
                return link == null ? OptionalLong.empty() : OptionalLong.of(link.size());
            }

            @Override
            public boolean hasManifest(Digest digest) {
                return existing != null && existing.manifests.containsKey(digest);
            }
        });
        Repo repo = repos.computeIfAbsent(repository.value(), r -> new Repo());
        // Each reference once, in order, as the real stores keep them.
        repo.manifests.put(manifest.digest(), new ManifestRecord(manifest.digest(), manifest.mediaType(), manifest.size(),
                List.copyOf(new LinkedHashSet<>(manifest.references())), manifest.subject(), manifest.artifactType(),
                manifest.annotations(), manifest.pushedAt()));
        tags.forEach(tag -> repo.tags.put(tag.value(), manifest.digest()));
    }

    @Override
    public synchronized Optional<ManifestRecord> manifest(RepositoryName repository, Digest digest) {
        Repo repo = repos.get(repository.value());
        return repo == null ? Optional.empty() : Optional.ofNullable(repo.manifests.get(digest));
    }

    @Override
    public synchronized Optional<Digest> resolveTag(RepositoryName repository, Tag tag) {
        Repo repo = repos.get(repository.value());
        return repo == null ? Optional.empty() : Optional.ofNullable(repo.tags.get(tag.value()));
    }

    @Override
    public synchronized List<Tag> listTags(RepositoryName repository, String last, int limit) {
        Repo repo = repos.get(repository.value());
        if (repo == null) {
            return List.of();
        }
        var tail = last == null ? repo.tags : repo.tags.tailMap(last, false);
        return tail.keySet().stream().limit(limit).map(Tag::new).toList();
    }

    @Override
    public synchronized boolean deleteTag(RepositoryName repository, Tag tag) {
        Repo repo = repos.get(repository.value());
        return repo != null && repo.tags.remove(tag.value()) != null;
    }

    @Override
    public synchronized boolean deleteManifest(RepositoryName repository, Digest digest) {
        Repo repo = repos.get(repository.value());
        if (repo == null || repo.manifests.remove(digest) == null) {
            return false;
        }
        repo.tags.values().removeIf(digest::equals);
        return true;
    }

    @Override
    public synchronized List<ManifestRecord> referrers(RepositoryName repository, Digest subject) {
        Repo repo = repos.get(repository.value());
        if (repo == null) {
            return List.of();
        }
        return repo.manifests.values().stream().filter(m -> subject.equals(m.subject()))
                .sorted(Comparator.comparing(m -> m.digest().value())).toList();
    }
}
