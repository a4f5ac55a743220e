package dev.berth.http.server;

import dev.berth.http.route.ExchangeFactory;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Knows the open connections and how many requests are being served, so that a shutdown can let
 * in-flight requests finish before it closes the connections.
 */
final class InFlightRequests {
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final AtomicInteger requests = new AtomicInteger();

    void track(Channel channel) {
        channels.add(channel);
    }

    /** Wraps the factory so that each exchange counts from its opening until its answer is written. */
    ExchangeFactory counting(ExchangeFactory exchanges) {
        return request -> {
            requests.incrementAndGet();
            request.onFinished(requests::decrementAndGet);
            return exchanges.open(request);
        };
    }

    /** Waits until no request is in flight or the time is up; true when all finished. */
    boolean awaitIdle(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        while (requests.get() > 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    /** Closes every connection at once, without lingering ({@link LingeringClose#closeAtOnce}), and waits. */
    void closeAll() {
        channels.stream().map(LingeringClose::closeAtOnce).toList().forEach(ChannelFuture::awaitUninterruptibly);
    }
}
