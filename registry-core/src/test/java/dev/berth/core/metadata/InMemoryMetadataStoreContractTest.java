package dev.berth.core.metadata;

import dev.berth.core.testing.InMemoryMetadataStore;
import dev.berth.core.testing.InMemoryTenantStore;
import org.junit.jupiter.api.Nested;

import java.time.Clock;

/** The in-memory fake of the metadata ports, held to the same contracts as the real stores. */
class InMemoryMetadataStoreContractTest {
    static OpenedMetadata openInMemory(Clock clock) {
        InMemoryTenantStore tenants = new InMemoryTenantStore();
        return new OpenedMetadata(new InMemoryMetadataStore(tenants, clock).asStores(), tenants, () -> { });
    }

    @Nested
    class Repositories extends RepositoryStoreContract {
        @Override
        protected OpenedMetadata open(Clock clock) {
            return openInMemory(clock);
        }
    }

    @Nested
    class BlobLinks extends BlobLinkStoreContract {
        @Override
        protected OpenedMetadata open(Clock clock) {
            return openInMemory(clock);
        }
    }

    @Nested
    class Manifests extends ManifestStoreContract {
        @Override
        protected OpenedMetadata open(Clock clock) {
            return openInMemory(clock);
        }
    }

    @Nested
    class Tags extends TagStoreContract {
        @Override
        protected OpenedMetadata open(Clock clock) {
            return openInMemory(clock);
        }
    }
}
