package dev.berth.storage.meta;

/**
 * {@link QuotaAcrossNodesTest} on the embedded database (two sets of stores in one process stand for two nodes).
 */
class H2QuotaAcrossNodesTest extends QuotaAcrossNodesTest {
    H2QuotaAcrossNodesTest() {
        super(TestEngine.H2);
    }
}
