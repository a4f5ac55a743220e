package dev.berth.http.server;

import dev.berth.core.error.OciErrorCode;
import dev.berth.core.error.RegistryException;
import dev.berth.http.error.OciErrorResponses;
import dev.berth.http.route.Responses;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;

import java.util.concurrent.TimeUnit;

/**
 * Serves a connection over the cap: answers 503 with {@code Retry-After} and {@code Connection: close} at
 * once, without waiting for the request, and ends the connection.
 *
 * <p>After the answer it closes only its sending side and reads and drops what the client still sends
 * until the client closes (as it does after reading a {@code Connection: close} answer), for at most
 * {@value #LINGER_MILLIS} ms: closing outright with the client's request unread would make the kernel
 * reset the connection, and the reset can destroy the answer before the client reads it.
 */
final class ConnectionRefusal extends ChannelInboundHandlerAdapter {
    /** What the answer asks the client to wait before it tries again. */
    static final int RETRY_AFTER_SECONDS = 5;
    private static final long LINGER_MILLIS = 2_000;
    private static final byte[] BODY = OciErrorResponses.body(new RegistryException(OciErrorCode.TOOMANYREQUESTS,
            "too many open connections; try again later"));

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(answer()).addListener((ChannelFuture written) -> {
            if (written.isSuccess() && written.channel() instanceof DuplexChannel duplex) {
                duplex.shutdownOutput();
            } else {
                written.channel().close();
            }
        });
        ctx.executor().schedule(() -> ctx.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
        ctx.read();
    }

    private static FullHttpResponse answer() {
        FullHttpResponse response = Responses.bytes(HttpResponseStatus.SERVICE_UNAVAILABLE, HttpHeaderValues.APPLICATION_JSON, BODY);
        response.headers()
                .setInt(HttpHeaderNames.RETRY_AFTER, RETRY_AFTER_SECONDS)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return response;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.read();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
