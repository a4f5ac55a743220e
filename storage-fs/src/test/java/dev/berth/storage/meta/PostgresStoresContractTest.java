package dev.berth.storage.meta;

/**
 * The stores on a real PostgreSQL server held to the contracts of their ports, each case on a new database;
 * skipped where PostgreSQL is not installed.
 */
class PostgresStoresContractTest extends SqlStoresContractTest {
    PostgresStoresContractTest() {
        super(TestEngine.POSTGRES);
    }
}
