package dev.berth.http.testing;

import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a test class with Netty's leak detector at {@code PARANOID}: every buffer, from whatever allocator, is
 * tracked, so that one lost outside the connection's {@link TrackingAllocator} (from {@code Unpooled}, or the
 * default allocator) is still reported in the log once the collector finds it. The detector only logs, and
 * only after a collection; what fails a test is the allocator's exact check. The level is global: it is put
 * back after the class.
 */
public final class ParanoidLeakDetection implements BeforeAllCallback, AfterAllCallback {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(ParanoidLeakDetection.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getStore(NAMESPACE).put("level", ResourceLeakDetector.getLevel());
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        ResourceLeakDetector.setLevel(context.getStore(NAMESPACE).get("level", ResourceLeakDetector.Level.class));
    }
}
