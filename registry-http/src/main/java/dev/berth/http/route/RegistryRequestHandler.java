package dev.berth.http.route;

import dev.berth.core.error.OciErrorCode;
import dev.berth.core.error.RegistryException;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Drives one connection: turns each request into an {@link Exchange}, feeds it the body, and reads from
 * the socket only on demand (auto-read is off). It stops reading while an exchange is behind on the disk,
 * and while a finished request awaits its answer, so pipelined requests are answered in order. Runs on
 * the connection's event loop.
 */
public final class RegistryRequestHandler extends ChannelInboundHandlerAdapter {
    private final ExchangeFactory exchanges;
    private final Deque<Object> backlog = new ArrayDeque<>();
    private Exchange current;
    private RequestContext currentContext;
    private boolean decoderGaveUp;

    public RegistryRequestHandler(ExchangeFactory exchanges) {
        this.exchanges = exchanges;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        ctx.read();
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!backlog.isEmpty() || (current != null && current.bodyComplete())) {
            backlog.add(msg);
            return;
        }
        dispatch(ctx, msg);
    }

    private void dispatch(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            if (request.decoderResult().isFailure()) {
                ReferenceCountUtil.release(msg);
                FullHttpResponse response = Responses.error(new RegistryException(OciErrorCode.PARAMETER_INVALID,
                        "malformed HTTP request: " + request.decoderResult().cause().getMessage()));
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            current = open(ctx, request);
        }
        if (msg instanceof HttpContent content) {
            if (content.decoderResult().isFailure()) {
                content.release();
                bodyMalformed(ctx);
            } else if (current == null) {
                content.release();
            } else {
                current.content(content);
            }
        } else if (!(msg instanceof HttpRequest)) {
            ReferenceCountUtil.release(msg);
        }
    }

    /**
     * The decoder gave up in the middle of a body and reads nothing more from this connection: the request
     * is answered (unless it was already) and the connection closed after it.
     */
    private void bodyMalformed(ChannelHandlerContext ctx) {
        decoderGaveUp = true;
        if (current == null) {
            ctx.close();
            return;
        }
        currentContext.closeAfterAnswer();
        current.bodyMalformed();
    }

    private Exchange open(ChannelHandlerContext ctx, HttpRequest request) {
        Exchange[] self = new Exchange[1];
        Runnable finished = () -> onLoop(ctx, () -> finished(ctx, self[0]));
        Runnable resume = () -> onLoop(ctx, () -> readIfWanted(ctx));
        RequestContext context = new RequestContext(ctx, request, finished, resume);
        currentContext = context;
        try {
            self[0] = exchanges.open(context);
        } catch (RuntimeException refused) {
            // A RegistryException with an OCI code is the client's error; anything else a bug, answered (and logged)
            // as a 500 rather than left to close the connection without an answer.
            self[0] = new RejectedExchange(context, refused);
        }
        return self[0];
    }

    private static void onLoop(ChannelHandlerContext ctx, Runnable task) {
        if (ctx.executor().inEventLoop()) {
            task.run();
        } else {
            ctx.executor().execute(task);
        }
    }

    private void finished(ChannelHandlerContext ctx, Exchange exchange) {
        if (current != exchange) {
            return;
        }
        current = null;
        currentContext = null;
        if (decoderGaveUp) {
            // The answer may have been on its way before the body broke, without Connection: close.
            ctx.close();
            return;
        }
        while (!backlog.isEmpty() && (current == null || !current.bodyComplete())) {
            dispatch(ctx, backlog.poll());
        }
        readIfWanted(ctx);
    }

    private void readIfWanted(ChannelHandlerContext ctx) {
        if (backlog.isEmpty() && (current == null || (!current.bodyComplete() && !current.paused()))) {
            ctx.read();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        readIfWanted(ctx);
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (current != null) {
            current.channelClosed();
            currentContext.markFinished();
            current = null;
            currentContext = null;
        }
        backlog.forEach(ReferenceCountUtil::release);
        backlog.clear();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Connection-level failures (resets, TLS alerts) end the connection; the exchange cleans up in channelInactive.
        ctx.close();
    }
}
