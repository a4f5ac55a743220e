package dev.berth.storage.meta;

/**
 * {@link QuotaAcrossNodesTest} on a real PostgreSQL server; skipped where PostgreSQL is not installed.
 */
class PostgresQuotaAcrossNodesTest extends QuotaAcrossNodesTest {
    PostgresQuotaAcrossNodesTest() {
        super(TestEngine.POSTGRES);
    }
}
