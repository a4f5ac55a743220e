package dev.berth.storage.meta;

/**
 * The stores on the embedded H2 database held to the contracts of their ports.
 */
class H2StoresContractTest extends SqlStoresContractTest {
    H2StoresContractTest() {
        super(TestEngine.H2);
    }
}
