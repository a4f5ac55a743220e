package dev.berth.http.server;

import dev.berth.core.error.OciErrorCode;
import dev.berth.core.error.RegistryException;
import dev.berth.http.error.OciErrorResponses;
import dev.berth.http.route.Responses;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;

/**
 * Serves a connection over the cap: answers 503 with {@code Retry-After} and {@code Connection: close} at
 * once, without waiting for the request, and ends the connection.
 *
 * <p>The close lingers ({@link LingeringClose}): the client's request, unread, must not reset the connection
 * before the client has read the answer.
 */
final class ConnectionRefusal extends ChannelInboundHandlerAdapter {
    /** What the answer asks the client to wait before it tries again. */
    static final int RETRY_AFTER_SECONDS = 5;
    private static final byte[] BODY = OciErrorResponses.body(new RegistryException(OciErrorCode.TOOMANYREQUESTS,
            "too many open connections; try again later"));

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(answer()).addListener(ChannelFutureListener.CLOSE);
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
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
