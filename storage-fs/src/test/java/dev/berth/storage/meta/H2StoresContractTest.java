package dev.berth.storage.meta;

import dev.berth.storage.layout.DataLayout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

/** The stores on the embedded H2 database held to the contracts of their ports. */
class H2StoresContractTest extends SqlStoresContractTest {
    @TempDir
    Path dataDir;

    @Override
    protected Database openDatabase() throws IOException {
        return Database.open(new DataLayout(dataDir));
    }
}
