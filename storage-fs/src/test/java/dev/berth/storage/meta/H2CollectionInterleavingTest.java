package dev.berth.storage.meta;

/**
 * {@link CollectionInterleavingTest} on the embedded H2 database.
 */
class H2CollectionInterleavingTest extends CollectionInterleavingTest {
    H2CollectionInterleavingTest() {
        super(TestEngine.H2);
    }
}
