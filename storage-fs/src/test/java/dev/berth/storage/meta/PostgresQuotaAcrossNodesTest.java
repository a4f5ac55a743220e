package dev.berth.storage.meta;

import org.junit.jupiter.api.BeforeAll;

/** {@link QuotaAcrossNodesTest} on a real PostgreSQL server; skipped where PostgreSQL is not installed. */
class PostgresQuotaAcrossNodesTest extends QuotaAcrossNodesTest {
    @BeforeAll
    static void requirePostgres() throws Exception {
        TestPostgres.assumeInstalled();
    }

    @Override
    protected Database openDatabase() throws Exception {
        return TestPostgres.newDatabase();
    }
}
