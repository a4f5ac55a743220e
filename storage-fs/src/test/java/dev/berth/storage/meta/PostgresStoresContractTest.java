package dev.berth.storage.meta;

import org.junit.jupiter.api.BeforeAll;

/**
 * The stores on a real PostgreSQL server ({@link dev.berth.storage.testing.PostgresServer}) held to the contracts of their ports, each case
 * on a new database. Skipped where PostgreSQL is not installed; {@code .ci/run} installs it.
 */
class PostgresStoresContractTest extends SqlStoresContractTest {
    @BeforeAll
    static void requirePostgres() throws Exception {
        TestPostgres.assumeInstalled();
    }

    @Override
    protected Database openDatabase() throws Exception {
        return TestPostgres.newDatabase();
    }
}
