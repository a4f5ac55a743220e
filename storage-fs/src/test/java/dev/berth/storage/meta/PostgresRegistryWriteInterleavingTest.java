package dev.berth.storage.meta;

/**
 * {@link RegistryWriteInterleavingTest} on a real PostgreSQL server; skipped where PostgreSQL is not installed.
 */
class PostgresRegistryWriteInterleavingTest extends RegistryWriteInterleavingTest {
    PostgresRegistryWriteInterleavingTest() {
        super(TestEngine.POSTGRES);
    }
}
