package dev.berth.storage.meta;

import org.junit.jupiter.api.BeforeAll;

/** {@link RegistryWriteInterleavingTest} on a real PostgreSQL server; skipped where PostgreSQL is not installed. */
class PostgresRegistryWriteInterleavingTest extends RegistryWriteInterleavingTest {
    @BeforeAll
    static void requirePostgres() throws Exception {
        TestPostgres.assumeInstalled();
    }

    @Override
    protected Database openDatabase() throws Exception {
        return TestPostgres.newDatabase();
    }

    @Override
    protected Interleaving.LockWait lockWait() {
        return TestPostgres.lockWait();
    }
}
