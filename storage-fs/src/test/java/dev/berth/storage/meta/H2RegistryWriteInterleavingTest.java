package dev.berth.storage.meta;

/**
 * {@link RegistryWriteInterleavingTest} on the embedded H2 database.
 */
class H2RegistryWriteInterleavingTest extends RegistryWriteInterleavingTest {
    H2RegistryWriteInterleavingTest() {
        super(TestEngine.H2);
    }
}
