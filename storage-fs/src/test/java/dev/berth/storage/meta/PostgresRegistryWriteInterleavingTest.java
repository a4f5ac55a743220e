package dev.berth.storage.meta;

import org.junit.jupiter.api.BeforeAll;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@link RegistryWriteInterleavingTest} on a real PostgreSQL server; skipped where PostgreSQL is not installed. */
class PostgresRegistryWriteInterleavingTest extends RegistryWriteInterleavingTest {
    @BeforeAll
    static void requirePostgres() throws Exception {
        assumeTrue(PostgresServer.shared().isPresent(), "PostgreSQL is not installed (apt-get install postgresql)");
    }

    @Override
    protected Database openDatabase() throws Exception {
        return PostgresServer.shared().orElseThrow().newDatabase();
    }

    @Override
    protected Interleaving.LockWait lockWait() {
        return thread -> PostgresServer.shared().orElseThrow().someoneWaitsForALock();
    }
}
