package dev.berth.http.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;

import java.util.concurrent.TimeUnit;

/**
 * Ends a connection so that the client reads the last answer even while it is still sending. Closing with
 * the client's bytes unread makes the kernel reset the connection, and the reset can destroy the answer before
 * the client has read it: a 413 given from the head of an oversized manifest, a refusal given before an
 * upload's body, a 503 over the connection cap. So a close of the connection only shuts its sending side (the
 * client sees the answer end), then reads and drops what still arrives until the client closes its side, for
 * at most {@value #LINGER_MILLIS} ms.
 *
 * <p>A server that is stopping closes its connections at once ({@link #closeAtOnce}): it will read nothing
 * more, and lingering would only hold up its stop.
 *
 * <p>First in the pipeline, under TLS: TLS says its {@code close_notify} before the sending side is shut, and
 * what arrives afterwards is dropped here without being decrypted.
 */
final class LingeringClose extends ChannelDuplexHandler {
    static final long LINGER_MILLIS = 2_000;
    private static final AttributeKey<Boolean> AT_ONCE = AttributeKey.valueOf("berth.closeAtOnce");

    /** The close being held back while the connection lingers; null before. */
    private ChannelPromise lingering;

    /** Closes the connection without lingering, even one that lingers already. */
    static ChannelFuture closeAtOnce(Channel channel) {
        channel.attr(AT_ONCE).set(true);
        return channel.close();
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (lingering != null || Boolean.TRUE.equals(ctx.channel().attr(AT_ONCE).get())
                || !(ctx.channel() instanceof DuplexChannel duplex) || !duplex.isActive() || duplex.isOutputShutdown()) {
            ctx.close(promise);
            return;
        }
        lingering = promise;
        duplex.shutdownOutput().addListener(shut -> {
            if (!shut.isSuccess()) {
                closeNow(ctx);
            }
        });
        ctx.executor().schedule(() -> closeNow(ctx), LINGER_MILLIS, TimeUnit.MILLISECONDS);
        ctx.channel().config().setAutoRead(true);
        ctx.read();
    }

    private void closeNow(ChannelHandlerContext ctx) {
        if (!lingering.isDone()) {
            ctx.close(lingering);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (lingering != null) {
            ReferenceCountUtil.release(msg);
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    /** The client closed its side (the connection is gone): the held-back close is done. */
    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (lingering != null) {
            lingering.trySuccess();
        }
        ctx.fireChannelInactive();
    }
}
