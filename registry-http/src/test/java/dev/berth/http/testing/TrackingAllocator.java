package dev.berth.http.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;

import java.util.ArrayList;
import java.util.List;

/**
 * A connection's allocator that remembers every buffer it hands out, so that a test can fail, there and
 * then, on one that was never released. The leak detector reports only when the garbage collector happens
 * to find a lost buffer, and only in the log; this check is exact and does not depend on the collector.
 *
 * <p>Unpooled, unlike the server's allocator: a pool recycles a released buffer's object for the next
 * allocation, and its reference count would then speak for a buffer this list never saw.
 */
public final class TrackingAllocator implements ByteBufAllocator {
    private final ByteBufAllocator delegate = new UnpooledByteBufAllocator(true);
    private final List<ByteBuf> handedOut = new ArrayList<>();

    private synchronized <T extends ByteBuf> T track(T buffer) {
        handedOut.add(buffer);
        return buffer;
    }

    /** The buffers handed out and not released. */
    public synchronized List<ByteBuf> unreleased() {
        return handedOut.stream().filter(buffer -> buffer.refCnt() != 0).toList();
    }

    public synchronized int handedOut() {
        return handedOut.size();
    }

    /** Fails when any buffer handed out has not been released. */
    public void assertAllReleased() {
        List<ByteBuf> leaked = unreleased();
        if (!leaked.isEmpty()) {
            StringBuilder message = new StringBuilder(leaked.size() + " of " + handedOut() + " buffers were never released:");
            for (ByteBuf buffer : leaked) {
                message.append("\n  ").append(buffer).append(" refCnt=").append(buffer.refCnt());
            }
            throw new AssertionError(message.toString());
        }
    }

    @Override
    public ByteBuf buffer() {
        return track(delegate.buffer());
    }

    @Override
    public ByteBuf buffer(int initialCapacity) {
        return track(delegate.buffer(initialCapacity));
    }

    @Override
    public ByteBuf buffer(int initialCapacity, int maxCapacity) {
        return track(delegate.buffer(initialCapacity, maxCapacity));
    }

    @Override
    public ByteBuf ioBuffer() {
        return track(delegate.ioBuffer());
    }

    @Override
    public ByteBuf ioBuffer(int initialCapacity) {
        return track(delegate.ioBuffer(initialCapacity));
    }

    @Override
    public ByteBuf ioBuffer(int initialCapacity, int maxCapacity) {
        return track(delegate.ioBuffer(initialCapacity, maxCapacity));
    }

    @Override
    public ByteBuf heapBuffer() {
        return track(delegate.heapBuffer());
    }

    @Override
    public ByteBuf heapBuffer(int initialCapacity) {
        return track(delegate.heapBuffer(initialCapacity));
    }

    @Override
    public ByteBuf heapBuffer(int initialCapacity, int maxCapacity) {
        return track(delegate.heapBuffer(initialCapacity, maxCapacity));
    }

    @Override
    public ByteBuf directBuffer() {
        return track(delegate.directBuffer());
    }

    @Override
    public ByteBuf directBuffer(int initialCapacity) {
        return track(delegate.directBuffer(initialCapacity));
    }

    @Override
    public ByteBuf directBuffer(int initialCapacity, int maxCapacity) {
        return track(delegate.directBuffer(initialCapacity, maxCapacity));
    }

    @Override
    public CompositeByteBuf compositeBuffer() {
        return track(delegate.compositeBuffer());
    }

    @Override
    public CompositeByteBuf compositeBuffer(int maxNumComponents) {
        return track(delegate.compositeBuffer(maxNumComponents));
    }

    @Override
    public CompositeByteBuf compositeHeapBuffer() {
        return track(delegate.compositeHeapBuffer());
    }

    @Override
    public CompositeByteBuf compositeHeapBuffer(int maxNumComponents) {
        return track(delegate.compositeHeapBuffer(maxNumComponents));
    }

    @Override
    public CompositeByteBuf compositeDirectBuffer() {
        return track(delegate.compositeDirectBuffer());
    }

    @Override
    public CompositeByteBuf compositeDirectBuffer(int maxNumComponents) {
        return track(delegate.compositeDirectBuffer(maxNumComponents));
    }

    @Override
    public boolean isDirectBufferPooled() {
        return false;
    }

    @Override
    public int calculateNewCapacity(int minNewCapacity, int maxCapacity) {
        return delegate.calculateNewCapacity(minNewCapacity, maxCapacity);
    }
}
