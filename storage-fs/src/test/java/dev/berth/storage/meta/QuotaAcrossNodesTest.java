package dev.berth.storage.meta;

import dev.berth.core.digest.Digest;
import dev.berth.core.error.OciErrorCode;
import dev.berth.core.error.RegistryException;
import dev.berth.core.metadata.BlobLink;
import dev.berth.core.metadata.MetadataStores;
import dev.berth.core.name.RepositoryName;
import dev.berth.core.quota.QuotaLedger;
import dev.berth.core.quota.QuotaLedger.LinkCharge;
import dev.berth.core.tenant.TenantService;
import dev.berth.core.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two nodes sharing one database race for the last bytes of a registry's quota. Each node has its own services
 * (the tenant cache, the quota ledger with its in-memory reservations) over its own stores; only the database is
 * shared. The interleaving is forced without threads: node A checks its link against the usage it reads, and
 * node B checks and writes its own link inside A's write, before A's transaction begins. The database has the
 * last word: A's link, which would pass the limit, rolls back with {@code QUOTA_EXCEEDED}.
 */
abstract class QuotaAcrossNodesTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final RepositoryName APP = RepositoryName.parse("acme/app");
    private static final RepositoryName WEB = RepositoryName.parse("acme/web");

    private Database database;
    private Node a;
    private Node b;

    private final TestEngine engine;
    /** The test's own temporary directory, where the embedded database lives. */
    @TempDir
    Path scratch;

    protected QuotaAcrossNodesTest(TestEngine engine) {
        this.engine = engine;
    }

    /** A node's own services and stores over the shared database. */
    private record Node(MetadataStores stores, TenantService tenants, QuotaLedger ledger) {
        static Node over(Database database, MutableClock clock) {
            MetadataStores stores = H2MetadataStores.over(database, clock);
            TenantService tenants = new TenantService(new H2TenantStore(database, clock), clock);
            return new Node(stores, tenants, new QuotaLedger(tenants, stores.blobLinks(), clock));
        }

        List<RuntimeException> link(RepositoryName repository, Digest digest, long size) {
            return ledger.chargeAndWrite(repository.registry(), List.of(new LinkCharge(new BlobLink(repository, digest, size), null)),
                    links -> stores.blobLinks().linkBlobs(links, d -> true));
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        MutableClock clock = new MutableClock(NOW);
        database = engine.open(scratch);
        a = Node.over(database, clock);
        b = Node.over(database, clock);
        a.tenants().create("acme", false, 1000L);
    }

    @AfterEach
    void tearDown() {
        if (database != null) {
            database.close();
        }
    }

    @Test
    void theLinkThatWouldPassTheLimitAfterAnotherNodesLinkRollsBack() {
        Digest first = digest("node b's layer");
        Digest second = digest("node a's layer");
        List<RuntimeException> fromB = new ArrayList<>();

        List<RuntimeException> fromA = a.ledger().chargeAndWrite("acme",
                List.of(new LinkCharge(new BlobLink(APP, second, 600), null)), links -> {
                    fromB.addAll(b.link(WEB, first, 600));
                    return a.stores().blobLinks().linkBlobs(links, d -> true);
                });

        assertThat(fromB).containsExactly((RuntimeException) null);
        assertThat(fromA).hasSize(1);
        assertThat(fromA.get(0)).isInstanceOfSatisfying(RegistryException.class, e -> {
            assertThat(e.ociCode()).contains(OciErrorCode.QUOTA_EXCEEDED);
            assertThat(e.getMessage()).contains("storage limit of 1000 bytes", "uses 600 bytes", "need 600 bytes");
        });
        assertThat(a.tenants().current("acme").orElseThrow().storageUsedBytes()).isEqualTo(600);
        assertThat(a.stores().blobLinks().registryLinksBlob("acme", second)).isFalse();
        assertThat(a.stores().blobLinks().registryLinksBlob("acme", first)).isTrue();
    }

    @Test
    void aLinkThatChargesNothingPassesEvenOverTheLimit() {
        Digest layer = digest("shared layer");
        assertThat(a.link(APP, layer, 900)).containsExactly((RuntimeException) null);
        a.tenants().update("acme", null, true, 500L);

        // Already in the registry: linking it into another repository costs nothing, on either node.
        assertThat(b.link(WEB, layer, 900)).containsExactly((RuntimeException) null);
        assertThat(b.tenants().current("acme").orElseThrow().storageUsedBytes()).isEqualTo(900);
    }

    private static Digest digest(String content) {
        return Digest.sha256Of(content.getBytes(StandardCharsets.UTF_8));
    }
}
