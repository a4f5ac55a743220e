package dev.berth.core.upload;

import dev.berth.core.error.OciErrorCode;
import dev.berth.core.error.RegistryException;
import dev.berth.core.name.RepositoryName;

import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Caps the open upload sessions per user and per tenant registry, in front of an {@link UploadStore}.
 *
 * <p>Every open session holds a directory and a file, and an abandoned one lives until it expires (a day
 * by default): without a cap, one client could open tens of thousands. Counts are exact: a session is
 * counted under this object's lock before it is created, and uncounted when the store reports its end,
 * whatever ended it. At start the counts are taken from the sessions the store already holds, so a
 * restart neither forgets sessions nor lets a client open a fresh allowance.
 *
 * <p>A client over a cap gets {@code TOOMANYREQUESTS} (429) rather than {@code DENIED} (403): the refusal
 * is about its open sessions, not its permissions, and it passes as soon as sessions are finished,
 * cancelled or expired; clients treat 429 as "later" and 403 as "never".
 */
public final class UploadSessionLimits implements UploadStore {
    private final UploadStore store;
    private final int perUser;
    private final int perRegistry;
    private final Map<String, Integer> byOwner = new HashMap<>();
    private final Map<String, Integer> byRegistry = new HashMap<>();

    /** Counts the sessions the store holds now; from then on every session of the store goes through here. */
    public UploadSessionLimits(UploadStore store, int perUser, int perRegistry) throws IOException {
        if (perUser < 1 || perRegistry < 1) {
            throw new IllegalArgumentException("the upload session caps must be positive");
        }
        this.store = store;
        this.perUser = perUser;
        this.perRegistry = perRegistry;
        store.whenSessionEnds(this::ended);
        for (BlobUpload session : store.openSessions()) {
            count(session.owner(), session.repository().registry());
        }
    }

    @Override
    public BlobUpload create(RepositoryName repository, String owner, String digestAlgorithm) throws IOException {
        String registry = repository.registry();
        synchronized (this) {
            int ownerOpen = byOwner.getOrDefault(owner, 0);
            if (ownerOpen >= perUser) {
                throw refused("user '" + owner + "' has " + ownerOpen + " open upload sessions, the most one user may have ("
                        + perUser + ")", "upload_sessions_per_user", perUser);
            }
            int registryOpen = byRegistry.getOrDefault(registry, 0);
            if (registryOpen >= perRegistry) {
                throw refused("registry '" + registry + "' has " + registryOpen + " open upload sessions, the most one registry "
                        + "may have (" + perRegistry + ")", "upload_sessions_per_registry", perRegistry);
            }
            count(owner, registry);
        }
        try {
            return store.create(repository, owner, digestAlgorithm);
        } catch (IOException | RuntimeException e) {
            uncount(owner, registry);
            throw e;
        }
    }

    @Override
    public Optional<BlobUpload> find(UploadId id) throws IOException {
        return store.find(id);
    }

    @Override
    public int expireStartedBefore(Instant cutoff) throws IOException {
        return store.expireStartedBefore(cutoff);
    }

    @Override
    public List<BlobUpload> openSessions() throws IOException {
        return store.openSessions();
    }

    /** Not supported: this object is the store's listener. */
    @Override
    public void whenSessionEnds(Consumer<BlobUpload> listener) {
        throw new UnsupportedOperationException("the session caps listen to the store themselves");
    }

    /** Open sessions of the user (for tests and diagnostics). */
    public synchronized int openBy(String owner) {
        return byOwner.getOrDefault(owner, 0);
    }

    /** Open sessions in the registry (for tests and diagnostics). */
    public synchronized int openIn(String registry) {
        return byRegistry.getOrDefault(registry, 0);
    }

    private void ended(BlobUpload session) {
        uncount(session.owner(), session.repository().registry());
    }

    private synchronized void count(String owner, String registry) {
        byOwner.merge(owner, 1, Integer::sum);
        byRegistry.merge(registry, 1, Integer::sum);
    }

    private synchronized void uncount(String owner, String registry) {
        // Entries at zero are removed, so that the maps hold only users and registries with open sessions.
        byOwner.computeIfPresent(owner, (k, n) -> n > 1 ? n - 1 : null);
        byRegistry.computeIfPresent(registry, (k, n) -> n > 1 ? n - 1 : null);
    }

    private static RegistryException refused(String what, String limit, int max) {
        return new RegistryException(OciErrorCode.TOOMANYREQUESTS,
                "too many open upload sessions: " + what + "; finish or cancel some (DELETE their upload URL) "
                        + "or wait for them to expire", Map.of("limit", limit, "max", max));
    }
}
