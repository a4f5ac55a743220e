package dev.berth.storage.meta;

/**
 * {@link TransactionEndTest} on PostgreSQL.
 */
class PostgresTransactionEndTest extends TransactionEndTest {
    PostgresTransactionEndTest() {
        super(TestEngine.POSTGRES);
    }
}
