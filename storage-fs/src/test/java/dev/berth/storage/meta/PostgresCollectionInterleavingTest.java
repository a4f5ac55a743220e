package dev.berth.storage.meta;

import org.junit.jupiter.api.BeforeAll;

/** {@link CollectionInterleavingTest} on a real PostgreSQL server; skipped where PostgreSQL is not installed. */
class PostgresCollectionInterleavingTest extends CollectionInterleavingTest {
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
