package dev.berth.core.metadata;

import dev.berth.core.session.ConsoleSessionStoreContract;
import dev.berth.core.testing.InMemoryCatalogStore;
import dev.berth.core.testing.InMemoryConsoleSessionStore;
import dev.berth.core.testing.InMemoryMetadataStore;
import dev.berth.core.testing.InMemoryTenantStore;
import dev.berth.core.testing.InMemoryUsageStore;
import dev.berth.core.testing.InMemoryUserStore;
import dev.berth.core.testing.OpenedStores;
import org.junit.jupiter.api.Nested;

import java.time.Clock;

/** The in-memory fake of the metadata ports, held to the same contracts as the real stores. */
class InMemoryMetadataStoreContractTest {
    static OpenedStores openInMemory(Clock clock) {
        // The metadata contracts use the metadata and tenant ports only, and the session contract its own; the
        // other doubles are partial stand-ins, not held to their contracts, and are here because OpenedStores
        // opens every port.
        InMemoryTenantStore tenants = new InMemoryTenantStore();
        InMemoryMetadataStore metadata = new InMemoryMetadataStore(tenants, clock);
        return new OpenedStores(metadata.asStores(), tenants, new InMemoryUserStore(), new InMemoryCatalogStore(metadata),
                new InMemoryUsageStore(), null, null, new InMemoryConsoleSessionStore(), () -> { });
    }

    @Nested
    class Repositories extends RepositoryStoreContract {
        @Override
        protected OpenedStores open(Clock clock) {
            return openInMemory(clock);
        }
    }

    @Nested
    class BlobLinks extends BlobLinkStoreContract {
        @Override
        protected OpenedStores open(Clock clock) {
            return openInMemory(clock);
        }
    }

    @Nested
    class Manifests extends ManifestStoreContract {
        @Override
        protected OpenedStores open(Clock clock) {
            return openInMemory(clock);
        }
    }

    @Nested
    class Tags extends TagStoreContract {
        @Override
        protected OpenedStores open(Clock clock) {
            return openInMemory(clock);
        }
    }

    @Nested
    class Sessions extends ConsoleSessionStoreContract {
        @Override
        protected OpenedStores open(Clock clock) {
            return openInMemory(clock);
        }
    }
}
