package dev.berth.storage.meta;

import org.junit.jupiter.api.BeforeAll;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The stores on a real PostgreSQL server ({@link PostgresServer}) held to the contracts of their ports, each case
 * on a new database. Skipped where PostgreSQL is not installed; {@code .ci/run} installs it.
 */
class PostgresStoresContractTest extends SqlStoresContractTest {
    @BeforeAll
    static void requirePostgres() throws Exception {
        assumeTrue(PostgresServer.shared().isPresent(), "PostgreSQL is not installed (apt-get install postgresql)");
    }

    @Override
    protected Database openDatabase() throws Exception {
        return PostgresServer.shared().orElseThrow().newDatabase();
    }
}
