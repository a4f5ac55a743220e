package dev.berth.storage.meta;

/**
 * {@link CollectionInterleavingTest} on a real PostgreSQL server; skipped where PostgreSQL is not installed.
 */
class PostgresCollectionInterleavingTest extends CollectionInterleavingTest {
    PostgresCollectionInterleavingTest() {
        super(TestEngine.POSTGRES);
    }
}
