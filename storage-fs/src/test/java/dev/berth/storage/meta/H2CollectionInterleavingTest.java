package dev.berth.storage.meta;

import dev.berth.storage.layout.DataLayout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

/** {@link CollectionInterleavingTest} on the embedded H2 database. */
class H2CollectionInterleavingTest extends CollectionInterleavingTest {
    @TempDir
    Path dataDir;

    @Override
    protected Database openDatabase() throws IOException {
        return Database.open(new DataLayout(dataDir));
    }

    @Override
    protected Interleaving.LockWait lockWait() {
        return Interleaving.PARKED_THREAD;
    }
}
