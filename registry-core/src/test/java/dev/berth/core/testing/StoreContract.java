package dev.berth.core.testing;

import dev.berth.core.catalog.CatalogStore;
import dev.berth.core.digest.Digest;
import dev.berth.core.gc.GarbageStore;
import dev.berth.core.gc.GcRunStore;
import dev.berth.core.metadata.BlobLink;
import dev.berth.core.metadata.ManifestDependencies;
import dev.berth.core.metadata.ManifestRecord;
import dev.berth.core.metadata.MetadataStores;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.name.Tag;
import dev.berth.core.session.ConsoleSessionStore;
import dev.berth.core.tenant.TenantStore;
import dev.berth.core.usage.UsageStore;
import dev.berth.core.user.UserStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The base of every store port's contract test: an implementation opened empty before each case and closed
 * after it, a clock the test moves, and the writes the contracts set their data up with. The contract of one
 * port (in the port's own test package, e.g. {@code TenantStoreContract}) extends this; an implementation
 * runs it by extending that contract with its own {@link #open}, usually as a {@code @Nested} class. Each
 * contract creates the registries it needs: none exist when a case starts.
 */
public abstract class StoreContract {
    protected static final Instant NOW = Instant.parse("2025-03-04T05:06:07.123456Z");

    protected final MutableClock clock = new MutableClock(NOW);
    protected MetadataStores metadata;
    protected TenantStore tenants;
    protected UserStore users;
    protected CatalogStore catalog;
    protected UsageStore usage;
    protected GarbageStore garbage;
    protected GcRunStore gcRuns;
    protected ConsoleSessionStore sessions;
    private AutoCloseable closer;

    /** Opens the implementation under test, empty, stamping what it writes with {@code clock}. */
    protected abstract OpenedStores open(Clock clock) throws Exception;

    @BeforeEach
    void openImplementation() throws Exception {
        OpenedStores opened = open(clock);
        metadata = opened.metadata();
        tenants = opened.tenants();
        users = opened.users();
        catalog = opened.catalog();
        usage = opened.usage();
        garbage = opened.garbage();
        gcRuns = opened.gcRuns();
        sessions = opened.sessions();
        closer = opened.closer();
    }

    @AfterEach
    void closeImplementation() throws Exception {
        closer.close();
    }

    protected void createRegistry(String name) {
        assertThat(tenants.create(name, false, null, NOW)).isTrue();
    }

    /** The registry's {@code storage_used_bytes}, which the blob link store keeps. */
    protected long used(String registry) {
        return tenants.find(registry).orElseThrow().storageUsedBytes();
    }

    protected void link(RepositoryName repository, Digest digest, long size) {
        metadata.blobLinks().linkBlobs(List.of(new BlobLink(repository, digest, size)), d -> true);
    }

    /** Puts a manifest without dependencies, tagged when {@code tag} is not null. */
    protected void put(RepositoryName repository, ManifestRecord manifest, String tag) {
        metadata.manifests().putManifest(repository, manifest, tag == null ? List.of() : List.of(Tag.parse(tag)),
                ManifestDependencies.NONE);
    }

    protected static Digest digest(String seed) {
        return Digest.sha256Of(seed.getBytes(StandardCharsets.UTF_8));
    }
}
