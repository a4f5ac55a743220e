package dev.berth.storage.meta;

/**
 * {@link TransactionEndTest} on the embedded H2 database.
 */
class H2TransactionEndTest extends TransactionEndTest {
    H2TransactionEndTest() {
        super(TestEngine.H2);
    }
}
