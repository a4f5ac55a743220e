package dev.berth.storage.meta;

import dev.berth.storage.layout.DataLayout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** {@link QuotaAcrossNodesTest} on the embedded database (two sets of stores in one process stand for two nodes). */
class H2QuotaAcrossNodesTest extends QuotaAcrossNodesTest {
    @TempDir
    Path dataDir;

    @Override
    protected Database openDatabase() throws Exception {
        return Database.open(new DataLayout(dataDir));
    }
}
