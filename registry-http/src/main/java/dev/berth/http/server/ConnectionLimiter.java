package dev.berth.http.server;

import io.netty.channel.Channel;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts open connections, in all and per client address, and tells whether one more may be served. A
 * connection admitted counts until it closes. The caps keep the process below its limit on open files: a
 * flood of idle sockets then costs refused connections, not {@code accept} failures for everyone.
 *
 * <p>Refusals are logged, at most once a minute with how many there were, so that a flood is visible
 * without flooding the log. Safe from any thread.
 */
final class ConnectionLimiter {
    private static final System.Logger LOG = System.getLogger(ConnectionLimiter.class.getName());
    private static final long LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final int maxConnections;
    private final int maxPerAddress;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentMap<Object, Integer> openByAddress = new ConcurrentHashMap<>();
    private final AtomicLong refusedSinceLog = new AtomicLong();
    private final AtomicLong lastLogNanos = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);

    ConnectionLimiter(int maxConnections, int maxPerAddress) {
        this.maxConnections = maxConnections;
        this.maxPerAddress = maxPerAddress;
    }

    /** Counts the connection in until it closes; false, and not counted, when it would pass a cap. */
    boolean admit(Channel channel) {
        Object client = clientOf(channel.remoteAddress());
        if (!tryAcquire(client)) {
            refused(client);
            return false;
        }
        channel.closeFuture().addListener(closed -> release(client));
        return true;
    }

    /** Takes a place for a connection from {@code client}; false when there is none left. */
    boolean tryAcquire(Object client) {
        if (open.incrementAndGet() > maxConnections) {
            open.decrementAndGet();
            return false;
        }
        boolean[] taken = new boolean[1];
        openByAddress.compute(client, (address, count) -> {
            int current = count == null ? 0 : count;
            if (current >= maxPerAddress) {
                return count;
            }
            taken[0] = true;
            return current + 1;
        });
        if (!taken[0]) {
            open.decrementAndGet();
        }
        return taken[0];
    }

    /** Gives back the place of a connection from {@code client} that has closed. */
    void release(Object client) {
        openByAddress.computeIfPresent(client, (address, count) -> count == 1 ? null : count - 1);
        open.decrementAndGet();
    }

    /** Connections counted in now, for tests and diagnostics. */
    int open() {
        return open.get();
    }

    private void refused(Object client) {
        long refused = refusedSinceLog.incrementAndGet();
        long now = System.nanoTime();
        long last = lastLogNanos.get();
        if (now - last >= LOG_INTERVAL_NANOS && lastLogNanos.compareAndSet(last, now)) {
            refusedSinceLog.addAndGet(-refused);
            LOG.log(System.Logger.Level.WARNING, "refused " + refused + " connection(s) over the cap of " + maxConnections
                    + " open, or " + maxPerAddress + " per client address (the latest from " + client + "; " + open.get()
                    + " open now)");
        }
    }

    /** Connections are counted per client IP address, whatever their port. */
    private static Object clientOf(SocketAddress remote) {
        return remote instanceof InetSocketAddress inet && inet.getAddress() != null ? inet.getAddress() : remote;
    }
}
