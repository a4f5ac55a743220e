package dev.berth.storage.meta;

import dev.berth.core.catalog.CatalogStoreContract;
import dev.berth.core.gc.GarbageStoreContract;
import dev.berth.core.gc.GcRunStoreContract;
import dev.berth.core.metadata.BlobLinkStoreContract;
import dev.berth.core.metadata.ManifestStoreContract;
import dev.berth.core.metadata.RepositoryStoreContract;
import dev.berth.core.metadata.TagStoreContract;
import dev.berth.core.session.ConsoleSessionStoreContract;
import dev.berth.core.tenant.TenantStoreContract;
import dev.berth.core.testing.OpenedStores;
import dev.berth.core.usage.UsageStoreContract;
import dev.berth.core.user.UserStoreContract;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;

/**
 * The SQL stores held to the contracts of their ports, each case on a new, empty database of the engine a subclass
 * opens: the same store classes and the same cases on H2 and on PostgreSQL.
 */
abstract class SqlStoresContractTest {
    private final TestEngine engine;
    /** The test's own temporary directory, where the embedded database lives. */
    @TempDir
    Path scratch;

    protected SqlStoresContractTest(TestEngine engine) {
        this.engine = engine;
    }

    private OpenedStores openStores(Clock clock) throws Exception {
        Database database = engine.open(scratch);
        return new OpenedStores(H2MetadataStores.over(database, clock), new H2TenantStore(database, clock),
                new H2UserStore(database), new H2CatalogStore(database), new H2UsageStore(database),
                new H2GarbageStore(database, clock), new H2GcRunStore(database), new H2ConsoleSessionStore(database), database);
    }

    @Nested
    class Repositories extends RepositoryStoreContract {
        @Override
        protected OpenedStores open(Clock clock) throws Exception {
            return openStores(clock);
        }
    }

    @Nested
    class BlobLinks extends BlobLinkStoreContract {
        @Override
        protected OpenedStores open(Clock clock) throws Exception {
            return openStores(clock);
        }
    }

    @Nested
    class Manifests extends ManifestStoreContract {
        @Override
        protected OpenedStores open(Clock clock) throws Exception {
            return openStores(clock);
        }
    }

    @Nested
    class Tags extends TagStoreContract {
        @Override
        protected OpenedStores open(Clock clock) throws Exception {
            return openStores(clock);
        }
    }

    @Nested
    class Tenants extends TenantStoreContract {
        @Override
        protected OpenedStores open(Clock clock) throws Exception {
            return openStores(clock);
        }
    }

    @Nested
    class Users extends UserStoreContract {
        @Override
        protected OpenedStores open(Clock clock) throws Exception {
            return openStores(clock);
        }
    }

    @Nested
    class Catalog extends CatalogStoreContract {
        @Override
        protected OpenedStores open(Clock clock) throws Exception {
            return openStores(clock);
        }
    }

    @Nested
    class Usage extends UsageStoreContract {
        @Override
        protected OpenedStores open(Clock clock) throws Exception {
            return openStores(clock);
        }
    }

    @Nested
    class Garbage extends GarbageStoreContract {
        @Override
        protected OpenedStores open(Clock clock) throws Exception {
            return openStores(clock);
        }
    }

    @Nested
    class GcRuns extends GcRunStoreContract {
        @Override
        protected OpenedStores open(Clock clock) throws Exception {
            return openStores(clock);
        }
    }

    @Nested
    class Sessions extends ConsoleSessionStoreContract {
        @Override
        protected OpenedStores open(Clock clock) throws Exception {
            return openStores(clock);
        }
    }
}
